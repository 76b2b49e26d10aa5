import { Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { useActionError } from '../../components/errors.tsx';
import { useUser } from '../../auth/session.tsx';
import { hasPermission } from '../../nav/workspaces.ts';

type Context = Record<string, Record<string, string | null>>;

/**
 * 常用语: pick a canned phrase the user sees (the unit's, the units' above and their own); it is
 * filled in by the API (agent, hotline, today; the rest from `context`, already masked) and handed
 * to `onInsert`. Not shown without phrase.read.
 */
export function PhrasePicker({ context, onInsert }: { context: Context; onInsert: (text: string) => void }) {
  const user = useUser();
  if (!hasPermission(user, 'phrase.read')) return null;
  return <Picker context={context} onInsert={onInsert} />;
}

function Picker({ context, onInsert }: { context: Context; onInsert: (text: string) => void }) {
  const { t } = useTranslation();
  const actionError = useActionError();
  const [rendering, setRendering] = useState(false);
  const phrases = useApiQuery(
    queryKeys.phrases,
    async (signal) => (await ok(api.GET('/api/v1/phrases', { signal }))).items,
  );
  const insert = async (id: string) => {
    setRendering(true);
    try {
      const r = await ok(
        api.POST('/api/v1/phrases/{id}/render', { params: { path: { id } }, body: { context } }),
      );
      onInsert(r.text);
    } catch (err) {
      actionError(err);
    } finally {
      setRendering(false);
    }
  };
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      value={null}
      loading={phrases.loading || rendering}
      placeholder={t('requests.phrases.placeholder')}
      notFoundContent={t('requests.phrases.none')}
      style={{ width: '100%', marginBottom: 8 }}
      onChange={(id: string) => void insert(id)}
      options={(phrases.data ?? []).map((p) => ({ value: p.id, label: p.title }))}
      data-testid="phrase-picker"
    />
  );
}
