/**
 * A key to press, shown on a button or beside a box. It takes the colour of the text around it
 * (white on a primary button, dark elsewhere), so it is as legible as the button's own label.
 */
export function KeyHint({ children }: { children: string }) {
  return <kbd className="op-key">{children}</kbd>;
}
