// Maps the error envelope's issues ({path, message}, dotted paths such as "channel_rules.0.source")
// onto a form's fields: an exact match first, else the nearest field the path lies under. What
// matches no field is returned for the form's own error box, so no message is ever lost.

/** One problem with one field of a request (the API's error envelope): `path` is dotted. */
export interface Issue {
  path: string;
  message: string;
}

export interface PlacedIssues {
  /** Field name → its first message. */
  fields: Record<string, string>;
  /** Issues no field claims (shown above the form). */
  rest: Issue[];
}

export function placeIssues(issues: readonly Issue[], fieldNames: Iterable<string>): PlacedIssues {
  const names = [...fieldNames].sort((a, b) => b.length - a.length); // longest (most specific) first
  const fields: Record<string, string> = {};
  const rest: Issue[] = [];
  for (const issue of issues) {
    const name = names.find((n) => issue.path === n || issue.path.startsWith(`${n}.`));
    if (name === undefined) rest.push(issue);
    else fields[name] ??= issue.message;
  }
  return { fields, rest };
}
