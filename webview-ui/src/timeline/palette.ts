/**
 * The canvas's colours and glyphs, read from the page's CSS rather than written here: a hidden
 * probe element carries the same tone classes the list uses (shared/base.css maps each to a VS Code
 * theme variable), and codicon spans whose ::before holds each icon's glyph. So the timeline and
 * the list always agree, in every theme, and `watchTheme` says when to read them again.
 */
import type { Tone } from '../entries/kinds';

const TONES: Tone[] = ['neutral', 'blue', 'purple', 'green', 'yellow', 'orange', 'red', 'link', 'muted'];
/** Non-tone colours, each a class in timeline.css (`.tl-ink-<name>`) mapped to a theme variable. */
const INKS = ['grid', 'text', 'focus', 'now', 'lane', 'background'] as const;
export type Ink = (typeof INKS)[number];

export interface Palette {
  tone: Record<Tone, string>;
  ink: Record<Ink, string>;
  font: string;
  /** Icon name → the codicon font's character for it; missing while the font's CSS is absent. */
  glyph: Map<string, string>;
  /** True once the codicon font can be drawn with. */
  glyphsReady: boolean;
}

export class PaletteReader {
  private readonly probe: HTMLElement;
  private readonly icons = new Map<string, HTMLElement>();

  constructor(parent: HTMLElement) {
    this.probe = document.createElement('div');
    this.probe.className = 'timeline-probe';
    this.probe.setAttribute('aria-hidden', 'true');
    for (const tone of TONES) this.span(`tone-${tone}`);
    for (const ink of INKS) this.span(`tl-ink-${ink}`);
    parent.append(this.probe);
  }

  private span(className: string): HTMLElement {
    const el = document.createElement('span');
    el.className = className;
    this.probe.append(el);
    return el;
  }

  read(icons: Iterable<string>): Palette {
    const colour = (className: string) => getComputedStyle(this.probe.querySelector(`.${className}`)!).color;
    const tone = Object.fromEntries(TONES.map((t) => [t, colour(`tone-${t}`)])) as Record<Tone, string>;
    const ink = Object.fromEntries(INKS.map((i) => [i, colour(`tl-ink-${i}`)])) as Record<Ink, string>;
    const glyph = new Map<string, string>();
    for (const name of icons) {
      let el = this.icons.get(name);
      if (!el) {
        el = this.span(`codicon codicon-${name}`);
        this.icons.set(name, el);
      }
      const content = getComputedStyle(el, '::before').content;
      // A quoted one-character string when codicon.css is loaded; "none" or "" when it is not.
      if (content.length >= 3 && (content.startsWith('"') || content.startsWith("'"))) glyph.set(name, content.slice(1, -1));
    }
    const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
    return { tone, ink, font: family, glyph, glyphsReady: glyph.size > 0 && document.fonts.check('14px codicon') };
  }

  dispose(): void {
    this.probe.remove();
  }
}

/**
 * Calls `changed` when the theme may have changed: VS Code swaps the body's theme class and
 * rewrites the variables in <html>'s style attribute. Also when the codicon font finishes loading,
 * so glyphs replace the plain marks drawn before it.
 */
export function watchTheme(changed: () => void): () => void {
  const observer = new MutationObserver(changed);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  let alive = true;
  document.fonts.load('14px codicon').then(
    () => alive && changed(),
    () => undefined, // no codicon font: marks stay plain
  );
  return () => {
    alive = false;
    observer.disconnect();
  };
}
