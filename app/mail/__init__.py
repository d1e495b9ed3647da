"""Transactional email: messages are rows in an outbox, delivered by `flask send-mail`."""
