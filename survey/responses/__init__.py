"""Responses: the answers being given (drafts) and the submitted, anonymous responses."""
