// An SLA reason on screen: the sentence in the user's language, its data (row codes, contract
// numbers) shown as data.
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { Data } from '../../components/Data.tsx';
import { data, reasonPieces, slaReasonText, type SlaReason, type Translate } from './reasons.ts';

/** `reason` in words; without one (an older server), the server's English `fallback` as data. */
export function ReasonText({ reason, fallback }: { reason?: SlaReason | null; fallback: string }) {
  const { t } = useTranslation();
  const text = reason ? slaReasonText(reason, t as unknown as Translate, fallback) : data(fallback);
  return (
    <>
      {reasonPieces(text).map((piece, i) =>
        i % 2 === 1 ? <Data key={i}>{piece}</Data> : <Fragment key={i}>{piece}</Fragment>,
      )}
    </>
  );
}
