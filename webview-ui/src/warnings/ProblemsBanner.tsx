import './warnings.css';
import { useMemo } from 'react';
import { sessionLabel } from '../../../src/score';
import { usePodium } from '../app/usePodium';
import { Codicon } from '../shared/Codicon';
import { t } from '../shared/l10n';

const SHOWN = 3;

/**
 * Everything that went wrong reading the source, in one place: problems the host reported (torn or
 * corrupt journals), events without an envelope, sessions with missing sequence numbers, and a
 * message the host rejected. Hidden when there is nothing to say.
 */
export function ProblemsBanner() {
  const hostProblems = usePodium((s) => s.hostProblems);
  const hostError = usePodium((s) => s.hostError);
  const score = usePodium((s) => s.score);

  const lines = useMemo(() => {
    const out: string[] = [];
    if (hostError) out.push(hostError);
    out.push(...hostProblems);
    for (const p of score.problems) out.push(p.text);
    for (const id of score.sessionOrder) {
      const session = score.sessions[id]!;
      if (session.gaps > 0) {
        out.push(t('problems.gaps', { session: sessionLabel(score, session), count: session.gaps }));
      }
    }
    return out;
  }, [hostProblems, hostError, score]);

  if (lines.length === 0) return null;
  const rest = lines.slice(SHOWN);
  return (
    <section className="banner" role="status" aria-label={t('problems.label')}>
      <Codicon name="warning" className="banner-icon" />
      <div className="banner-body">
        <p className="banner-title">{t('problems.title', { count: lines.length })}</p>
        <ul>
          {lines.slice(0, SHOWN).map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
        {rest.length > 0 && (
          <details>
            <summary>{t('problems.more', { count: rest.length })}</summary>
            <ul>
              {rest.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          </details>
        )}
      </div>
    </section>
  );
}
