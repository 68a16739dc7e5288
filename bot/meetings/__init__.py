"""Meeting cadence: recurring series, their meetings, RSVPs, agendas, reminders and calendars."""
