"""Automatic messages to attendees (reminders, thank-you with feedback, next edition's
announcement), their deliveries, the feedback answers and the unsubscribed addresses."""
