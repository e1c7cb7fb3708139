// OULAD (Open University Learning Analytics Dataset) as dropout examples: one row per student
// registration, with only what is known at a cutoff day (registration data; assessments due, and
// submissions and scores made, by then). Label: final_result is Withdrawn. Students who had
// already unregistered before the cutoff are left out (their outcome is no longer a prediction).
// Pure: takes the CSV texts, so the eval script (Node) and any test can feed it.
import type { FeatureRow, FeatureSpec } from "../propensity/features";

export interface OuladFiles {
  studentInfo: string;
  studentRegistration: string;
  assessments: string;
  studentAssessment: string;
  courses: string;
}

export interface OuladExample {
  row: FeatureRow;
  label: number;
  /** The presentation's year (2013 trains, 2014 tests). */
  year: number;
}

export const OULAD_SPEC: FeatureSpec = {
  numeric: [
    "num_of_prev_attempts",
    "studied_credits",
    "date_registration",
    "course_length",
    "assessments_due",
    "submitted_due",
    "missed_due",
    "missed_share",
    "submitted_total",
    "late_submissions",
    "mean_score",
    "min_score",
    "weighted_score",
    "last_score",
    "days_since_last_submission",
    "cma_submitted",
    "tma_submitted",
  ],
  categorical: ["code_module", "term", "gender", "region", "highest_education", "imd_band", "age_band", "disability"],
};

/** Registration-only subset (SOURCE.md's baseline features). */
export const OULAD_REGISTRATION_SPEC: FeatureSpec = {
  numeric: ["num_of_prev_attempts", "studied_credits", "date_registration", "course_length"],
  categorical: OULAD_SPEC.categorical,
};

/** Unquoted CSV with a header (the OULAD copies are unquoted, LF line ends). */
function table(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(",").map((h) => h.replace(/^"|"$/g, ""));
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = (cells[i] ?? "").replace(/^"|"$/g, "")));
    return row;
  });
}

const num = (s: string | undefined): number | null => (s === undefined || s.trim() === "" ? null : Number(s));

interface Assessment {
  id: string;
  type: string;
  date: number | null;
  weight: number;
}

interface Submission {
  assessment: Assessment;
  submitted: number;
  score: number | null;
}

export interface OuladData {
  students: Record<string, string>[];
  registration: Map<string, { registered: number | null; unregistered: number | null }>;
  /** Per presentation (module|presentation): its assessments. */
  assessments: Map<string, Assessment[]>;
  /** Per registration key: submissions. */
  submissions: Map<string, Submission[]>;
  length: Map<string, number>;
}

const presentationKey = (r: Record<string, string>) => `${r.code_module}|${r.code_presentation}`;

export function parseOulad(files: OuladFiles): OuladData {
  const registration = new Map<string, { registered: number | null; unregistered: number | null }>();
  for (const r of table(files.studentRegistration)) {
    registration.set(`${presentationKey(r)}|${r.id_student}`, {
      registered: num(r.date_registration),
      unregistered: num(r.date_unregistration),
    });
  }
  const assessments = new Map<string, Assessment[]>();
  const byId = new Map<string, { assessment: Assessment; presentation: string }>();
  for (const r of table(files.assessments)) {
    const a: Assessment = {
      id: r.id_assessment!,
      type: r.assessment_type!,
      date: num(r.date),
      weight: num(r.weight) ?? 0,
    };
    const key = presentationKey(r);
    assessments.set(key, [...(assessments.get(key) ?? []), a]);
    byId.set(a.id, { assessment: a, presentation: key });
  }
  const submissions = new Map<string, Submission[]>();
  for (const r of table(files.studentAssessment)) {
    const found = byId.get(r.id_assessment!);
    const submitted = num(r.date_submitted);
    if (!found || submitted === null) continue;
    const key = `${found.presentation}|${r.id_student}`;
    const list = submissions.get(key);
    const s = { assessment: found.assessment, submitted, score: num(r.score) };
    if (list) list.push(s);
    else submissions.set(key, [s]);
  }
  const length = new Map<string, number>();
  for (const r of table(files.courses)) length.set(presentationKey(r), num(r.module_presentation_length) ?? 0);
  return { students: table(files.studentInfo), registration, assessments, submissions, length };
}

/** Examples at `cutoff` (days from the presentation's start). */
export function ouladExamples(data: OuladData, cutoff: number): OuladExample[] {
  const out: OuladExample[] = [];
  for (const s of data.students) {
    const presentation = presentationKey(s);
    const key = `${presentation}|${s.id_student}`;
    const reg = data.registration.get(key);
    if (reg?.unregistered !== null && reg?.unregistered !== undefined && reg.unregistered < cutoff) continue;
    const due = (data.assessments.get(presentation) ?? []).filter(
      (a) => a.date !== null && a.date <= cutoff && a.type !== "Exam",
    );
    const known = (data.submissions.get(key) ?? []).filter((x) => x.submitted <= cutoff);
    const submittedIds = new Set(known.map((x) => x.assessment.id));
    const submittedDue = due.filter((a) => submittedIds.has(a.id)).length;
    const scores = known.map((x) => x.score).filter((x): x is number => x !== null);
    const last = known.reduce<Submission | null>((l, x) => (!l || x.submitted > l.submitted ? x : l), null);
    out.push({
      row: {
        code_module: s.code_module,
        term: s.code_presentation!.slice(4),
        gender: s.gender,
        region: s.region,
        highest_education: s.highest_education,
        imd_band: s.imd_band,
        age_band: s.age_band,
        disability: s.disability,
        num_of_prev_attempts: num(s.num_of_prev_attempts) ?? 0,
        studied_credits: num(s.studied_credits) ?? 0,
        date_registration: reg?.registered ?? 0,
        course_length: data.length.get(presentation) ?? 0,
        assessments_due: due.length,
        submitted_due: submittedDue,
        missed_due: due.length - submittedDue,
        missed_share: due.length ? (due.length - submittedDue) / due.length : 0,
        submitted_total: known.length,
        late_submissions: known.filter((x) => x.assessment.date !== null && x.submitted > x.assessment.date).length,
        mean_score: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : 0,
        min_score: scores.length ? Math.min(...scores) : 0,
        weighted_score: known.reduce((sum, x) => sum + ((x.score ?? 0) * x.assessment.weight) / 100, 0),
        last_score: last?.score ?? 0,
        days_since_last_submission: last ? cutoff - last.submitted : cutoff + 30,
        cma_submitted: known.filter((x) => x.assessment.type === "CMA").length,
        tma_submitted: known.filter((x) => x.assessment.type === "TMA").length,
      },
      label: s.final_result === "Withdrawn" ? 1 : 0,
      year: Number(s.code_presentation!.slice(0, 4)),
    });
  }
  return out;
}
