"""Messages that organisers write to a chosen group of an edition's attendees."""
