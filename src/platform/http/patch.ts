/** A PATCH must change something: an empty one (or only `version`) is refused, not a silent write. */
export const hasChange = (body: Record<string, unknown>): boolean =>
  Object.keys(body).some((k) => k !== 'version' && body[k] !== undefined);

export const NOTHING_TO_CHANGE = { message: 'nothing to change: send at least one field besides version' };
