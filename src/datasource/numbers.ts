/** A positive whole number typed into a field, or undefined ("use the default") for anything else. */
export function parsePositiveInteger(text: string): number | undefined {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
