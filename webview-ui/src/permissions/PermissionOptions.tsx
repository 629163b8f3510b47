import type { PermissionOption } from '../../../src/score';
import { permissionKey } from '../app/store';
import { usePodium } from '../app/usePodium';
import { Button } from '../shared/Button';
import { t } from '../shared/l10n';

/** An option's icon and button style: the first allow is the default action, rejects read as such. */
function optionLook(o: PermissionOption, first: boolean): { icon: string; secondary: boolean } {
  if (o.kind === 'allow_always') return { icon: 'check-all', secondary: true };
  if (o.kind.startsWith('allow')) return { icon: 'check', secondary: !first };
  if (o.kind.startsWith('reject')) return { icon: 'close', secondary: true };
  return { icon: 'circle-outline', secondary: true };
}

/**
 * One button per option of a pending permission request; a click posts `permission/answer`. The
 * buttons hold (showing the answer as sent) until the host's `permission.resolved` removes the
 * request, so a double click cannot answer twice. `disabledReason` disables them all, saying why.
 */
export function PermissionOptions({
  session,
  request,
  options,
  subject,
  disabledReason,
}: {
  session: string;
  request: string;
  options: readonly PermissionOption[];
  /** What is being asked, for the buttons' accessible names ("Allow: Run rm -rf …"). */
  subject: string;
  disabledReason: string | null;
}) {
  const sent = usePodium((s) => s.answering[permissionKey(session, request)]);
  const answer = usePodium((s) => s.answerPermission);
  const firstAllow = options.find((o) => o.kind.startsWith('allow') && o.kind !== 'allow_always')?.id;
  return (
    <div className="permission-options" role="group" aria-label={t('permissions.answerGroup', { subject })}>
      {options.map((o) => {
        const look = optionLook(o, o.id === firstAllow);
        const chosen = sent === o.id;
        return (
          <Button
            key={o.id}
            small
            secondary={look.secondary}
            icon={chosen ? 'loading' : look.icon}
            iconSpin={chosen}
            aria-label={t('permissions.option', { option: o.name, subject })}
            title={disabledReason ?? (sent !== undefined ? t('permissions.sent') : o.kind.replace('_', ' '))}
            disabled={disabledReason !== null || sent !== undefined}
            onClick={() => answer(session, request, o.id)}
          >
            {o.name}
          </Button>
        );
      })}
    </div>
  );
}
