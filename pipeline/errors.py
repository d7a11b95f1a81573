"""The pipeline's exception tree. Every message names the file, line or item at fault."""

from __future__ import annotations


class PipelineError(Exception):
    """Base class for errors the command line reports as one line, without a traceback."""


class ListReadError(PipelineError):
    """A list file that cannot be read as UTF-8 Markdown."""
