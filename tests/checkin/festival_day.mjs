// The offline scanner's verdicts on the shared festival-day cases (festival_day_cases.json),
// for tests/checkin/test_festival_day.py. Usage: node festival_day.mjs <verdict.js> <cases>
// verdict.js is an ES module served to browsers: it is imported from its source as a data
// URL (the repository's package.json does not say "module").
import { readFileSync } from "node:fs";

const [verdictPath, casesPath] = process.argv.slice(2);
const source = readFileSync(verdictPath, "utf8");
const { OfflineDoor } = await import(
  `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);
const { cases } = JSON.parse(readFileSync(casesPath, "utf8"));

const TICKET = 1, TYPE = 7;
const answers = cases.map((c) => {
  const bundle = {
    version: 1,
    edition: { id: 1, year: 2027, public_key: null, days: c.edition_days, day_cutoff: c.cutoff },
    list: { id: 1, name: "Soirée", days: c.list_days, ticket_type_ids: [], allow_reentry: false,
      admit_unpaid: false, is_active: true },
    device: { id: 1, name: "Téléphone", gate: "Porte A" },
    ticket_types: [{ id: TYPE, name: "Pass", valid_days: c.ticket_days }],
    tickets: [[TICKET, "Nadia", TYPE, 0, "ABCD1234"]],
    revoked: [],
    used: [],
  };
  const answer = new OfflineDoor(bundle, null).judgeTicket(TICKET, "in", new Date(c.at));
  return { name: c.name, result: answer.result, reason: answer.reason };
});
process.stdout.write(JSON.stringify(answers));
