"""Answering a resident: the assistant, conversations, composing replies, explaining a match."""
