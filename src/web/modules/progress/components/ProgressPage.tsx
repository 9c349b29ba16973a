/**
 * The public progress page (no login): `#/progress/<query code>` shows stage names and times only — the API
 * has nothing else. Made for anyone, elderly callers first: big plain text, high contrast, the large-text
 * switch honoured, one thing per line, friendly messages for a wrong code, too many look-ups or no network,
 * and a refresh every 30 s.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PreferenceButtons } from '../../../ui/PreferenceButtons.tsx';
import { fetchProgress } from '../api/progress.api.ts';
import {
  codeFromHash,
  codeProblem,
  failureOf,
  formatStageTime,
  normaliseCode,
  progressSteps,
  type LookupFailure,
  type ProgressPayload,
} from '../utils/progress.steps.ts';

const REFRESH_MS = 30_000;

type Lookup =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; data: ProgressPayload; at: number; refreshFailed: boolean }
  | { kind: 'error'; reason: LookupFailure };

function useHashCode(): string | null {
  const [code, setCode] = useState(() => codeFromHash(window.location.hash));
  useEffect(() => {
    const onHash = () => setCode(codeFromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return code;
}

export default function ProgressPage() {
  const { t, i18n } = useTranslation();
  const code = useHashCode();
  const valid = code !== null && codeProblem(code) === null;
  const [lookup, setLookup] = useState<Lookup>({ kind: 'idle' });
  const last = useRef<Lookup>(lookup);
  last.current = lookup;

  useEffect(() => {
    document.title = t('progress.title');
  }, [t]);

  const load = useCallback(async (c: string, signal: AbortSignal, background: boolean) => {
    if (!background) setLookup({ kind: 'loading' });
    try {
      const data = await fetchProgress(c, signal);
      setLookup({ kind: 'ready', data, at: Date.now(), refreshFailed: false });
    } catch (err) {
      if (signal.aborted) return;
      const prev = last.current;
      // A failed background refresh keeps what is shown, and says how old it is.
      if (background && prev.kind === 'ready' && failureOf(err) !== 'notFound') {
        setLookup({ ...prev, refreshFailed: true });
      } else {
        setLookup({ kind: 'error', reason: failureOf(err) });
      }
    }
  }, []);

  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!valid || code === null) {
      setLookup({ kind: 'idle' });
      return;
    }
    const abort = new AbortController();
    void load(code, abort.signal, false);
    const timer = setInterval(() => void load(code, abort.signal, true), REFRESH_MS);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [code, valid, load, attempt]);

  const time = (ms: number) =>
    new Date(ms).toLocaleTimeString(i18n.language, {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'Asia/Shanghai',
    });

  return (
    <div className="progress-page">
      <header className="progress-header">
        <div className="brand">
          <span className="emblem" aria-hidden="true">
            警
          </span>
          <div>
            <h1>{t('progress.title')}</h1>
            <p>{t('progress.subtitle')}</p>
          </div>
        </div>
        <PreferenceButtons />
      </header>
      <main className="progress-main" data-testid="progress">
        {!valid ? (
          <CodeForm initial={code ?? ''} />
        ) : (
          <>
            <p className="progress-code" data-testid="progress-code">
              {t('progress.codeShown', { code })}
            </p>
            {lookup.kind === 'loading' && <p className="progress-note">{t('progress.loading')}</p>}
            {lookup.kind === 'error' && (
              <div className="progress-message" role="alert" data-testid="progress-error" data-reason={lookup.reason}>
                <p>{t(`progress.${lookup.reason}`, { code })}</p>
                {lookup.reason !== 'notFound' && (
                  <button type="button" className="progress-button" onClick={() => setAttempt((a) => a + 1)}>
                    {t('progress.retry')}
                  </button>
                )}
              </div>
            )}
            {lookup.kind === 'ready' && <Stages data={lookup.data} />}
            {lookup.kind === 'ready' && (
              <p className="progress-note" data-testid="progress-updated">
                {lookup.refreshFailed
                  ? t('progress.refreshFailed', { time: time(lookup.at) })
                  : t('progress.updatedAt', { time: time(lookup.at) })}
              </p>
            )}
            <a className="progress-link" href="#/progress" data-testid="progress-another">
              {'← '}
              {t('progress.another')}
            </a>
          </>
        )}
        <a className="progress-emergency" href="tel:110">
          {t('progress.emergency')}
        </a>
        <p className="progress-note">{t('progress.privacy')}</p>
      </main>
    </div>
  );
}

function Stages({ data }: { data: ProgressPayload }) {
  const { t, i18n } = useTranslation();
  const steps = progressSteps(data);
  const current = steps.find((s) => s.state === 'current') ?? [...steps].reverse().find((s) => s.state === 'done');
  return (
    <>
      {current && (
        <section className="progress-current" aria-labelledby="progress-current-title" data-testid="progress-current">
          <h2 id="progress-current-title">{t('progress.current')}</h2>
          <p className="progress-current-stage">{t(`progress.stages.${current.stage}`)}</p>
          <p>{t(`progress.hints.${current.stage}`)}</p>
        </section>
      )}
      <ol className="progress-steps" data-testid="progress-steps">
        {steps.map((s) => (
          <li key={s.stage} className={`progress-step ${s.state}`} data-stage={s.stage} data-state={s.state}>
            <span className="progress-marker" aria-hidden="true">
              {s.state === 'done' ? '✓' : s.state === 'current' ? '●' : ''}
            </span>
            <span className="progress-step-name">{t(`progress.stages.${s.stage}`)}</span>
            <span className="progress-step-time">
              {s.at ? <time dateTime={s.at}>{formatStageTime(s.at, i18n.language)}</time> : t('progress.pending')}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

function CodeForm({ initial }: { initial: string }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(initial);
  const [problem, setProblem] = useState<string | null>(() => {
    if (!initial) return null;
    const p = codeProblem(initial);
    return p ? t(`progress.codeProblems.${p}`, { count: initial.length }) : null;
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const code = normaliseCode(value);
    const p = codeProblem(code);
    if (p) {
      setProblem(t(`progress.codeProblems.${p}`, { count: code.length }));
      return;
    }
    setProblem(null);
    window.location.hash = `#/progress/${code}`;
  };

  return (
    <form className="progress-form" onSubmit={submit} noValidate data-testid="progress-form">
      <p>{t('progress.intro')}</p>
      <label htmlFor="progress-code-input">{t('progress.codeLabel')}</label>
      <input
        id="progress-code-input"
        name="code"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        inputMode="text"
        maxLength={20}
        aria-describedby="progress-code-hint progress-code-problem"
        aria-invalid={problem !== null}
      />
      <small id="progress-code-hint">{t('progress.codeHint')}</small>
      {problem && (
        <p id="progress-code-problem" className="progress-message" role="alert" data-testid="progress-code-problem">
          {problem}
        </p>
      )}
      <button type="submit" className="progress-button primary">
        {t('progress.submit')}
      </button>
    </form>
  );
}
