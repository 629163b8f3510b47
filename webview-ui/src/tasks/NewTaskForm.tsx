import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import VscodeCheckbox from '@vscode-elements/react-elements/dist/components/VscodeCheckbox.js';
import VscodeOption from '@vscode-elements/react-elements/dist/components/VscodeOption.js';
import VscodeSingleSelect from '@vscode-elements/react-elements/dist/components/VscodeSingleSelect.js';
import VscodeTextarea from '@vscode-elements/react-elements/dist/components/VscodeTextarea.js';
import VscodeTextfield from '@vscode-elements/react-elements/dist/components/VscodeTextfield.js';
import type { HostConfig } from '../../../src/protocol';
import { taskLook, type TaskRow } from './tasks';
import { buildCreateTask, type FieldErrors, type TaskFields } from './taskForm';
import { usePodium } from '../app/usePodium';
import { t } from '../shared/l10n';
import { Button } from '../shared/Button';

type ValueTarget = HTMLElement & { value: string };
const valueOf = (e: { target: EventTarget | null }) => (e.target as ValueTarget).value;
/** Example globs: paths, the same in every language. */
const SCOPE_EXAMPLE = 'src/core/**, test/**';

/**
 * Hands out a new task: title, prompt, agent profile, optionally the tasks it waits for and its
 * budgets. Posts `task/create` and closes; the task appears when the host's events say it exists.
 * Ctrl+Enter sends from any field, Escape closes.
 */
export function NewTaskForm({ config, rows, onClose }: { config: HostConfig; rows: TaskRow[]; onClose: () => void }) {
  const post = usePodium((s) => s.post);
  const profileIds = useMemo(() => new Set(config.profiles.map((p) => p.id)), [config.profiles]);
  const [fields, setFields] = useState<TaskFields>(() => ({
    title: '',
    prompt: '',
    agent: profileIds.has(config.defaultProfile) ? config.defaultProfile : (config.profiles[0]?.id ?? ''),
    waitsFor: [],
    scope: '',
    wallClockMin: '',
    tokens: '',
    costUsd: '',
    idleMin: '',
  }));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [tried, setTried] = useState(false);
  const titleRef = useRef<HTMLElement>(null);
  const ids = { title: useId(), prompt: useId(), agent: useId(), scope: useId(), heading: useId() };

  useEffect(() => {
    // The element renders its input asynchronously; focus delegates to it once it exists.
    const el = titleRef.current as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
    void (el?.updateComplete ?? Promise.resolve()).then(() => el?.focus());
  }, []);

  // Unfinished tasks first: those are the ones worth waiting for.
  const waitable = useMemo(() => [...rows].sort((a, b) => Number(a.task.status === 'finished') - Number(b.task.status === 'finished')), [rows]);

  const update = (change: Partial<TaskFields>) => {
    const next = { ...fields, ...change };
    setFields(next);
    // Once a send was refused, errors follow the typing so a fixed field clears at once.
    if (tried) {
      const result = buildCreateTask(next, profileIds);
      setErrors('errors' in result ? result.errors : {});
    }
  };

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const result = buildCreateTask(fields, profileIds);
    if ('errors' in result) {
      setTried(true);
      setErrors(result.errors);
      return;
    }
    post(result.message);
    onClose();
  };

  const budgetErrors = errors.wallClockMin || errors.tokens || errors.costUsd || errors.idleMin;

  return (
    <form
      className="task-form"
      aria-labelledby={ids.heading}
      noValidate
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          submit();
        } else if (e.key === 'Escape' && !(e.target as HTMLElement).matches('vscode-single-select')) {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <h3 id={ids.heading} className="task-form-heading">
        {t('taskForm.heading')}
      </h3>
      <Field label={t('taskForm.title')} htmlFor={ids.title} error={errors.title}>
        <VscodeTextfield
          id={ids.title}
          ref={titleRef as never}
          name="title"
          data-field="title"
          label={t('taskForm.title')}
          placeholder={t('taskForm.titlePlaceholder')}
          maxLength={200}
          invalid={Boolean(errors.title)}
          value={fields.title}
          onInput={(e) => update({ title: valueOf(e) })}
        />
      </Field>
      <Field label={t('taskForm.prompt')} htmlFor={ids.prompt} error={errors.prompt}>
        <VscodeTextarea
          id={ids.prompt}
          name="prompt"
          data-field="prompt"
          label={t('taskForm.prompt')}
          rows={4}
          resize="vertical"
          placeholder={t('taskForm.promptPlaceholder')}
          invalid={Boolean(errors.prompt)}
          value={fields.prompt}
          onInput={(e) => update({ prompt: valueOf(e) })}
        />
      </Field>
      <Field label={t('taskForm.agent')} htmlFor={ids.agent} error={errors.agent}>
        <VscodeSingleSelect id={ids.agent} name="agent" data-field="agent" label={t('taskForm.agentProfile')} value={fields.agent} onChange={(e) => update({ agent: valueOf(e) })}>
          {config.profiles.map((p) => (
            <VscodeOption key={p.id} value={p.id} description={p.kind}>
              {p.label}
            </VscodeOption>
          ))}
        </VscodeSingleSelect>
      </Field>
      <Field label={t('taskForm.scope')} htmlFor={ids.scope} error={errors.scope}>
        <VscodeTextfield
          id={ids.scope}
          name="scope"
          data-field="scope"
          label={t('taskForm.scope')}
          placeholder={SCOPE_EXAMPLE}
          invalid={Boolean(errors.scope)}
          value={fields.scope}
          onInput={(e) => update({ scope: valueOf(e) })}
        />
        <p className="task-form-hint">{t('taskForm.scopeHint')}</p>
      </Field>
      {waitable.length > 0 && (
        <fieldset className="task-form-row task-form-waits">
          <legend className="task-form-label">{t('taskForm.waitsFor')}</legend>
          <div className="task-form-field">
            <div className="waits-list">
              {waitable.map((row) => (
                <VscodeCheckbox
                  key={row.id}
                  name="waitsFor"
                  value={row.id}
                  data-task={row.id}
                  checked={fields.waitsFor.includes(row.id)}
                  onChange={(e) => {
                    const on = (e.target as HTMLElement & { checked: boolean }).checked;
                    update({ waitsFor: on ? [...fields.waitsFor.filter((id) => id !== row.id), row.id] : fields.waitsFor.filter((id) => id !== row.id) });
                  }}
                >
                  {row.task.spec.title}
                  <span className="muted">{t('taskForm.waitsForState', { state: taskLook(row).text.toLowerCase() })}</span>
                </VscodeCheckbox>
              ))}
            </div>
            <p className="task-form-hint">{t('taskForm.waitsForHint')}</p>
            {errors.waitsFor && <p className="task-form-error">{errors.waitsFor}</p>}
          </div>
        </fieldset>
      )}
      <details className="task-form-budgets" open={Boolean(budgetErrors) || undefined}>
        <summary>
          <span>{t('taskForm.budgets')}</span> <span className="muted">{t('taskForm.budgetsHint')}</span>
        </summary>
        <div className="budget-grid">
          <Budget label={t('taskForm.wallClock')} unit={t('taskForm.minutes')} name="wallClockMin" value={fields.wallClockMin} error={errors.wallClockMin} onInput={(v) => update({ wallClockMin: v })} />
          <Budget label={t('taskForm.tokens')} unit={t('taskForm.tokensUnit')} name="tokens" value={fields.tokens} error={errors.tokens} onInput={(v) => update({ tokens: v })} />
          <Budget label={t('taskForm.cost')} unit={t('taskForm.usd')} name="costUsd" value={fields.costUsd} error={errors.costUsd} onInput={(v) => update({ costUsd: v })} />
          <Budget label={t('taskForm.idle')} unit={t('taskForm.minutes')} name="idleMin" value={fields.idleMin} error={errors.idleMin} onInput={(v) => update({ idleMin: v })} />
        </div>
      </details>
      <div className="task-form-actions">
        <Button type="submit" icon="play">
          {t('taskForm.start')}
        </Button>
        <Button secondary onClick={onClose}>
          {t('button.cancel')}
        </Button>
        <span className="task-form-hint">
          {t('taskForm.runsHint', { count: config.maxConcurrentAgents })}
        </span>
      </div>
    </form>
  );
}

function Field({ label, htmlFor, error, children }: { label: string; htmlFor: string; error?: string; children: ReactNode }) {
  return (
    <div className="task-form-row">
      <label className="task-form-label" htmlFor={htmlFor}>
        {label}
      </label>
      <div className="task-form-field">
        {children}
        {error && <p className="task-form-error">{error}</p>}
      </div>
    </div>
  );
}

function Budget(props: { label: string; unit: string; name: string; value: string; error?: string; onInput: (value: string) => void }) {
  const id = useId();
  return (
    <div className="budget">
      <label htmlFor={id}>{props.label}</label>
      <VscodeTextfield
        id={id}
        name={props.name}
        data-field={props.name}
        label={t('taskForm.budgetLabel', { label: props.label, unit: props.unit })}
        inputMode="decimal"
        placeholder={t('taskForm.noLimit')}
        invalid={Boolean(props.error)}
        value={props.value}
        onInput={(e) => props.onInput(valueOf(e))}
      >
        <span slot="content-after" className="budget-unit">
          {props.unit}
        </span>
      </VscodeTextfield>
      {props.error && <p className="task-form-error">{props.error}</p>}
    </div>
  );
}
