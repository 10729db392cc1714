"""Why the system could not read a file, said in Chinese: ``strerror`` is English ("No such file
or directory"), and a contributor needs to know what to fix."""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOENT: "文件不存在，或是指向已不存在文件的符号链接",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ELOOP: "符号链接互相指向，形成循环",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中的某一段不是文件夹",
    errno.ENAMETOOLONG: "路径过长",
    errno.EIO: "磁盘读写错误",
}


def describe(exc: BaseException) -> str:
    """The reason in Chinese, with the system's error number for anything not listed."""
    code = getattr(exc, "errno", None)
    if code in _REASONS:
        return _REASONS[code]
    return f"系统错误 {code}" if code else "系统错误"
