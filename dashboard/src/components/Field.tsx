// Labelled form controls bound to a useForm() form. Each shows its hint and the API's message for
// it (aria-invalid, aria-describedby), so errors appear next to the field at fault.
import type { ComponentChildren, JSX } from "preact";
import type { Form, Values } from "../lib/form";
import { useT } from "../context";

interface Common<V extends Values> {
  form: Form<V>;
  name: keyof V & string;
  label: string;
  hint?: string;
}

function describedBy(form: Form<Values>, name: string, hint?: string): string | undefined {
  const ids = [hint ? `${form.id}-${name}-hint` : "", form.errors[name] ? `${form.id}-${name}-error` : ""];
  return ids.filter(Boolean).join(" ") || undefined;
}

function Messages({ form, name, hint }: { form: Form<Values>; name: string; hint?: string | undefined }) {
  const error = form.errors[name];
  return (
    <>
      {hint && (
        <p class="hint" id={`${form.id}-${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${form.id}-${name}-error`}>
          {error}
        </p>
      )}
    </>
  );
}

/** The input attributes the forms use (preact's own input types are a union too wide to spread). */
interface InputProps {
  type?: "text" | "email" | "password" | "number" | "url" | "search";
  autoComplete?: string;
  required?: boolean;
  placeholder?: string;
  min?: number;
  max?: number;
  step?: string;
  maxLength?: number;
  disabled?: boolean;
}

export function Field<V extends Values>({ form, name, label, hint, ...input }: Common<V> & InputProps) {
  const f = form as unknown as Form<Values>;
  f.register(name);
  const id = `${f.id}-${name}`;
  // Preact types <input> per `type` literal; `type` here is a union, so the props go in as a whole.
  const props = {
    ...input,
    id,
    name,
    value: String(form.values[name] ?? ""),
    onInput: (e: Event) => form.set(name, (e.currentTarget as HTMLInputElement).value as V[typeof name]),
    "aria-invalid": f.errors[name] ? true : undefined,
    "aria-describedby": describedBy(f, name, hint),
  } as unknown as JSX.IntrinsicElements["input"];
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input {...props} />
      <Messages form={f} name={name} hint={hint} />
    </div>
  );
}

export function TextAreaField<V extends Values>({
  form,
  name,
  label,
  hint,
  rows = 3,
  disabled,
}: Common<V> & { rows?: number; disabled?: boolean }) {
  const f = form as unknown as Form<Values>;
  f.register(name);
  const id = `${f.id}-${name}`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        name={name}
        rows={rows}
        disabled={disabled}
        value={String(form.values[name] ?? "")}
        onInput={(e) => form.set(name, (e.currentTarget as HTMLTextAreaElement).value as V[typeof name])}
        aria-invalid={f.errors[name] ? true : undefined}
        aria-describedby={describedBy(f, name, hint)}
      />
      <Messages form={f} name={name} hint={hint} />
    </div>
  );
}

/**
 * For controls a form lays out itself (rows of a list): the attributes that tie a control to its
 * API issue, and the message to render after it with <FieldError>.
 */
export function bindControl(form: Form<any>, name: string) {
  const f = form as Form<Values>;
  f.register(name);
  return {
    id: `${f.id}-${name}`,
    "aria-invalid": f.errors[name] ? true : undefined,
    "aria-describedby": f.errors[name] ? `${f.id}-${name}-error` : undefined,
  } as const;
}

export function FieldError({ form, name }: { form: Form<any>; name: string }) {
  (form as Form<Values>).register(name);
  const error = (form as Form<Values>).errors[name];
  return error ? (
    <p class="field-error" id={`${form.id}-${name}-error`}>
      {error}
    </p>
  ) : null;
}

export function CheckboxField<V extends Values>({
  form,
  name,
  label,
  hint,
  disabled,
}: Common<V> & { disabled?: boolean }) {
  const f = form as unknown as Form<Values>;
  f.register(name);
  const id = `${f.id}-${name}`;
  return (
    <div class="field field-check">
      <input
        type="checkbox"
        id={id}
        name={name}
        disabled={disabled}
        checked={Boolean(form.values[name])}
        onChange={(e) => form.set(name, (e.currentTarget as HTMLInputElement).checked as V[typeof name])}
        aria-invalid={f.errors[name] ? true : undefined}
        aria-describedby={describedBy(f, name, hint)}
      />
      <label for={id}>{label}</label>
      <Messages form={f} name={name} hint={hint} />
    </div>
  );
}

export function SelectField<V extends Values>({
  form,
  name,
  label,
  hint,
  options,
  disabled,
}: Common<V> & { options: { value: string; label: string }[]; disabled?: boolean }) {
  const f = form as unknown as Form<Values>;
  f.register(name);
  const id = `${f.id}-${name}`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        name={name}
        disabled={disabled}
        value={String(form.values[name] ?? "")}
        onChange={(e) => form.set(name, (e.currentTarget as HTMLSelectElement).value as V[typeof name])}
        aria-invalid={f.errors[name] ? true : undefined}
        aria-describedby={describedBy(f, name, hint)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Messages form={f} name={name} hint={hint} />
    </div>
  );
}

/** The form's own error (not about one field) and any issue no field claimed. */
export function FormError({ form }: { form: Form<any> }) {
  const t = useT();
  if (!form.formError && form.formIssues.length === 0) return null;
  const fieldCount = Object.values(form.errors).filter(Boolean).length;
  return (
    <div class="notice notice-error" role="alert">
      <p>{form.formError ?? t("errors.unexpected")}</p>
      {fieldCount > 0 && <p>{t("form.see_fields", { count: fieldCount })}</p>}
      {form.formIssues.length > 0 && (
        <ul>
          {form.formIssues.map((i) => (
            <li key={i.path + i.message}>
              {i.path ? <code>{i.path}</code> : null} {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Submit({ form, children }: { form: Form<any>; children: ComponentChildren }) {
  return (
    <button type="submit" class="button primary" disabled={form.busy} aria-busy={form.busy || undefined}>
      {children}
    </button>
  );
}
