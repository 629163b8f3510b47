/**
 * The webview's words, in one table, so a translation is a file and not a code change: `messages`
 * holds every English string a feature has moved here, by key, with `{name}` placeholders; `t(key,
 * args)` fills them in. A string that depends on a count has a form per plural category (`one`,
 * `other`, and whatever else a language needs: `few`, `many`…), chosen for `args.count` by
 * Intl.PluralRules, so no component builds a plural from English grammar.
 *
 * A translation is an object of the same keys (any missing key falls back to English) given to
 * `useMessages` before the app renders. English only for now.
 */

type Forms = { one?: string; other: string; zero?: string; two?: string; few?: string; many?: string };
type Message = string | Forms;

export const messages = {
  // app/
  'connecting.reading': 'Reading the session journals…',
  'empty.title': 'No sessions yet',
  'empty.intro':
    'When you hand a task to an agent, its session appears here as it runs: one row per agent, every message, tool call and command in order. Sessions are journaled to the folder named by the {setting} setting, so they can be replayed later.',
  'empty.elsewhere': 'To look at sessions recorded elsewhere, open their journal.',
  'empty.newTask': 'New Task…',
  'empty.openJournal': 'Open Session Journal…',
  'empty.revealFolder': 'Reveal Journal Folder',
  'header.readOnly': 'Read-only',
  'header.readOnlyWhy': 'Another VS Code window is writing these journals; this one only reads them.',
  'header.totals': 'Totals',
  'header.events': 'Events',
  'header.sessions': 'Sessions',
  'header.tokens': 'Tokens',
  'header.tokensSplit': '{input} input, {output} output',
  'header.cost': 'Cost',
  'header.waiting': 'Waiting',
  'header.permissionRequests': { one: '{count} permission request', other: '{count} permission requests' },
  'header.loading': 'Loading events',
  'header.loadingProgress': '{received} of {expected} events',
  'keys.title': 'Sign-off keys',
  'keys.close': 'Close',
  'keys.closeHint': 'Close (Escape)',
  'keys.or': ' or ',
  'keys.next': 'Next hunk',
  'keys.previous': 'Previous hunk',
  'keys.firstLast': 'First or last hunk',
  'keys.approve': 'Approve the hunk (apply it to the workspace file)',
  'keys.reject': 'Reject: type an optional reason, Enter sends it, Escape cancels',
  'keys.open': 'Open the hunk in the diff editor',
  'keys.undo': 'Undo the task’s latest approval (or the one focused in “Recently decided”)',
  'keys.help': 'Show or hide these keys',
  'keys.foot': 'The keys work while focus is in the sign-off queue. Tab reaches every button too.',
  'keys.replayTitle': 'Replay keys',
  'keys.replayFoot': 'The replay keys work while focus is on the scrubber (the playhead under the timeline’s header).',
  'keys.editorTitle': 'Editor keys',
  'keys.editor.next': 'In a Podium diff editor: open the next change awaiting sign-off',
  'keys.editor.approve': 'In a Podium diff editor: approve the change',
  'keys.editor.reject': 'In a Podium diff editor: reject the change, with an optional reason',
  'keys.editor.nextAnywhere': 'Anywhere: open the next change in the diff editor (⌘⌥J on a Mac)',
  'keys.editor.score': 'Anywhere: open the score (⌘⌥U on a Mac)',
  'keys.editor.newTask': 'Anywhere: hand out a new task (⌘⌥N on a Mac)',

  // warnings/
  'problems.label': 'Problems',
  'problems.title': { one: 'Podium met a problem reading these sessions', other: 'Podium met {count} problems reading these sessions' },
  'problems.more': { one: '{count} more problem', other: '{count} more problems' },
  'problems.gaps': {
    one: '{session}: {count} event missing from the journal (sequence numbers skipped). The score may be incomplete.',
    other: '{session}: {count} events missing from the journal (sequence numbers skipped). The score may be incomplete.',
  },
  'invalid.label': 'Message ignored',
  'invalid.title': 'The score view ignored a message it could not read',
  'invalid.hint': 'What you see may be out of date. Run “Developer: Reload Webviews” to read the score again; the extension’s log has the details.',
  'warnings.heading': 'Warnings',
  'warnings.hide': 'Hide the warnings',
  'warnings.show': 'Show the warnings',
  'warnings.errorsFirst': { one: '{count} error to look at first', other: '{count} errors to look at first' },
  'warnings.oneByOne': 'decide these hunks one by one',
  'warnings.group': '{heading}: {count}',
  'warnings.showInQueue': 'Show it in the sign-off queue: {where} {place}',
  'warnings.kind.conflict': 'Conflicts',
  'warnings.kind.protected': 'Protected paths',
  'warnings.kind.sensitive': 'Sensitive files',
  'warnings.kind.layer': 'Layer rules broken',
  'warnings.kind.cycle': 'Dependency cycles',
  'warnings.kind.dependency': 'Dependency rules broken',
  'warnings.kind.unparsable': 'Files the checker could not read',
  'warnings.kind.overlap': 'Overlaps between tasks',
  'warnings.kind.scope': 'Outside the task’s scope',
  'warnings.kind.balance': 'Balance',
  'warnings.kind.stale': 'Regions you edited',

  // permissions/
  'permissions.label': 'Permission requests',
  'permissions.title': { one: 'An agent asks for permission', other: '{count} permission requests are waiting' },
  'permissions.readOnly': 'Another VS Code window runs these agents; answer there.',
  'permissions.show': 'Show the request “{title}” in its session',
  'permissions.showHint': 'Show in its session',
  'permissions.answerGroup': 'Answer: {subject}',
  'permissions.option': '{option}: {subject}',
  'permissions.sent': 'Answer sent; waiting for the agent to take it',

  // sign-off/
  'bulkReject.why': 'Why reject {scope}? The agent is told.',
  'bulkReject.placeholder': 'Why? The agent is told (optional)',
  'bulkReject.reject': 'Reject',
  'hunk.sending': 'Sent; waiting for the extension',
  'hunk.decide': 'Decide this hunk',
  'hunk.approve': 'Approve',
  'hunk.approveAgain': 'Approve again',
  'hunk.approveHint': 'Apply it to the workspace file (A)',
  'hunk.approveAgainHint': 'Try applying it again (A)',
  'hunk.reject': 'Reject',
  'hunk.rejectHint': 'Take it out of the task and tell the agent why (R)',
  'hunk.open': 'Open in diff editor',
  'hunk.openHint': 'Open in the diff editor (O)',
  'hunk.warnings': 'Warnings',
  'hunk.openRule': 'Open the architecture notes at this rule',
  'hunk.rejectWithRule': 'Reject with this rule',
  'hunk.rejectWithRuleHint': 'Reject this hunk and tell the agent this rule, in the notes\' words',
  'hunk.why': 'Why reject it? The agent is told (optional).',
  'hunk.whyExample': 'e.g. keep the public signature unchanged',
  'hunk.conflict': 'Conflict',
  'hunk.notInBulk': 'Not in bulk approval',
  'hunk.notInBulkHint': '“Approve all without warnings” never includes this hunk: decide it yourself',
  'decided.title': 'Recently decided',
  'decided.applied': 'Applied',
  'decided.applying': 'Applying',
  'decided.rejected': 'Rejected',
  'decided.undo': 'Undo',
  'decided.undoHint': 'Take it back out of the workspace file; it returns to the queue (U)',
  'decided.undoLabel': 'Undo the approval of {path} {range}',
  'decided.more': { one: 'and {count} earlier decision, in the session\'s entries', other: 'and {count} earlier decisions, in the session\'s entries' },

  // shared/
  'button.cancel': 'Cancel',
} satisfies Record<string, Message>;

export type MessageKey = keyof typeof messages;
export type MessageArgs = Record<string, string | number>;

let table: Record<string, Message> = messages;
let rules = new Intl.PluralRules('en');

/**
 * Uses a translation: its strings replace the English ones key by key (a key it lacks stays English).
 * `locale` picks the plural rules. Call before the app renders.
 */
export function useMessages(translation: Partial<Record<MessageKey, Message>>, locale: string): void {
  table = { ...messages, ...translation };
  rules = new Intl.PluralRules(locale);
}

/**
 * The string for `key` with its `{placeholders}` filled from `args`. A message with plural forms
 * needs `args.count`. A placeholder without a value is left as written, so a missing argument shows
 * in the page (and in a test) instead of vanishing.
 */
export function t(key: MessageKey, args: MessageArgs = {}): string {
  const message = table[key] ?? messages[key];
  let text: string;
  if (typeof message === 'string') text = message;
  else {
    const n = typeof args.count === 'number' ? args.count : Number.NaN;
    const category = Number.isNaN(n) ? 'other' : rules.select(n);
    text = message[category] ?? message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = args[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat().format(value) : value;
  });
}
