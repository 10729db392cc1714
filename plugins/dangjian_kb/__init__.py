"""基层党建知识库: content validation, relation graph and site generation.

The core (everything but ``plugin.py``) imports nothing from MkDocs, so it can
outlive the renderer.
"""

__version__ = "0.1.0"
