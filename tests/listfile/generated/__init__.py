"""Generated lists: an oracle for the list reader, independent of its code (issue 22, item 3)."""
