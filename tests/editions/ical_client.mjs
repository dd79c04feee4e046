// Reads .ics files as Thunderbird and Nextcloud do (ical.js): every VTIMEZONE of the file is
// registered, then each VEVENT's start is turned into an instant. Prints, as JSON, one entry
// per event: {uid, start (UTC, ISO 8601), sequence, status}.
// Usage: node ical_client.mjs FILE...
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const events = [];
for (const path of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    events.push({
      file: path,
      uid: event.uid,
      start: event.startDate.toJSDate().toISOString(),
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
    });
  }
}
process.stdout.write(JSON.stringify(events));
