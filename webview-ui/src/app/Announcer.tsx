import { usePodium } from './usePodium';

/**
 * The live region for screen readers. It is always in the DOM (a region added together with its
 * text is often not announced); the keyed span makes a repeated text count as new.
 */
export function Announcer() {
  const announcement = usePodium((s) => s.announcement);
  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
      {announcement && <span key={announcement.id}>{announcement.text}</span>}
    </div>
  );
}
