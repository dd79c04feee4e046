"""Transactional e-mail: messages are queued in the caller's transaction (the outbox) and a
separate sender delivers them over SMTP with retries."""
