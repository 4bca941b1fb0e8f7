/** Turns held keys into an arena input; calls `onChange` only when the intent changes. */
export function watchKeyboard(onChange: (input: { mx: number; my: number; tag: boolean }) => void): void {
  const held = new Set<string>();
  let last = '';
  const emit = (tag: boolean) => {
    const mx = (held.has('right') ? 1 : 0) - (held.has('left') ? 1 : 0);
    const my = (held.has('down') ? 1 : 0) - (held.has('up') ? 1 : 0);
    const key = `${mx},${my},${tag}`;
    if (key === last && !tag) return;
    last = key;
    onChange({ mx, my, tag });
  };
  const direction: Record<string, string> = {
    ArrowLeft: 'left',
    a: 'left',
    ArrowRight: 'right',
    d: 'right',
    ArrowUp: 'up',
    w: 'up',
    ArrowDown: 'down',
    s: 'down',
  };
  addEventListener('keydown', (e) => {
    if ((e.target as HTMLElement).tagName === 'INPUT') return;
    if (e.key === ' ') {
      e.preventDefault();
      emit(true);
      last = '';
      return;
    }
    const dir = direction[e.key];
    if (!dir) return;
    e.preventDefault();
    held.add(dir);
    emit(false);
  });
  addEventListener('keyup', (e) => {
    const dir = direction[e.key];
    if (!dir) return;
    held.delete(dir);
    emit(false);
  });
}
