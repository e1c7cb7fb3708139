// The shared form helper: values, submission, and the API's errors placed next to the fields they
// concern (issues[].path → field, lib/issues.ts). Every form in the dashboard uses it, with the
// Field components in components/Field.tsx.
import { useRef, useState } from "preact/hooks";
import { ApiError, type Issue } from "../api/client";
import { useI18n } from "../context";
import { errorText, translateIssues } from "./error-text";
import { placeIssues } from "./issues";

export type Values = Record<string, string | boolean>;

export interface Form<V extends Values> {
  /** A prefix for element ids, unique per form. */
  id: string;
  values: V;
  set: <K extends keyof V>(name: K, value: V[K]) => void;
  reset: (values?: V) => void;
  /** Field name → message. */
  errors: Partial<Record<string, string>>;
  /** The form's own message (a failure not about one field), and any unplaced issues. */
  formError: string | null;
  formIssues: Issue[];
  busy: boolean;
  /** Registers a field so API issues about it land next to it. */
  register: (name: string) => void;
  onSubmit: (e: Event) => void;
}

let forms = 0;

/**
 * `submit` gets the values; when it throws an ApiError, its issues go to their fields and its
 * message to the form, both in the reader's language (lib/error-text.ts).
 */
export function useForm<V extends Values>(initial: V, submit: (values: V) => Promise<void>): Form<V> {
  const { t, language } = useI18n();
  const [id] = useState(() => `f${++forms}`);
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [formIssues, setFormIssues] = useState<Issue[]>([]);
  const [busy, setBusy] = useState(false);
  const names = useRef(new Set<string>());

  const fail = (err: unknown) => {
    if (!(err instanceof ApiError)) {
      console.error("form submission failed", err);
      setFormError(t("errors.unexpected"));
      return;
    }
    // Issues and the banner in the reader's language (lib/error-text.ts), each issue by its field.
    const placed = placeIssues(translateIssues(t, language, err.issues), names.current);
    setErrors(placed.fields);
    setFormIssues(placed.rest);
    setFormError(errorText(t, language, err));
  };

  return {
    id,
    values,
    set: (name, value) => {
      setValues((v) => ({ ...v, [name]: value }));
      if (errors[name as string]) setErrors((e) => ({ ...e, [name as string]: undefined }));
    },
    reset: (next) => {
      setValues(next ?? initial);
      setErrors({});
      setFormError(null);
      setFormIssues([]);
    },
    errors,
    formError,
    formIssues,
    busy,
    register: (name) => void names.current.add(name),
    onSubmit: (e) => {
      e.preventDefault();
      if (busy) return;
      setBusy(true);
      setErrors({});
      setFormError(null);
      setFormIssues([]);
      submit(values)
        .catch(fail)
        .finally(() => setBusy(false));
    },
  };
}
