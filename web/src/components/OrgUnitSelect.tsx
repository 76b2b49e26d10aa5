import { TreeSelect, type TreeSelectProps } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client.ts';
import { queryKeys, useApiQuery } from '../api/query.tsx';
import type { OrgUnit } from '../api/models.ts';
import { buildTree, type TreeNode } from '../lib/tree.ts';

/** A unit's name in the current language (English falls back to the Chinese name). */
export function unitName(unit: Pick<OrgUnit, 'name' | 'nameEn'>, language: string): string {
  return language === 'en' ? unit.nameEn || unit.name : unit.name;
}

export async function loadOrgUnits(signal: AbortSignal): Promise<OrgUnit[]> {
  return (await ok(api.GET('/api/v1/org-units', { signal }))).items;
}

/** Every org unit visible to the user (cached: many screens name units); `enabled` false: not asked. */
export function useOrgUnits(enabled = true) {
  return useApiQuery(queryKeys.orgUnits, loadOrgUnits, { enabled });
}

type TreeData = NonNullable<TreeSelectProps['treeData']>;

function toTreeData(nodes: TreeNode<OrgUnit>[], language: string, disabled: Set<string>): TreeData {
  return nodes.map((n) => ({
    value: n.item.id,
    title: `${unitName(n.item, language)} (${n.item.code})`,
    disabled: disabled.has(n.item.id),
    children: toTreeData(n.children, language, disabled),
  }));
}

/** Picks an org unit from the tree (searchable by name or code). */
export function OrgUnitSelect(props: {
  units: OrgUnit[] | undefined;
  value?: string | null;
  onChange?: (id: string) => void;
  exclude?: Set<string>;
  allowClear?: boolean;
  placeholder?: string;
  testId?: string;
  /** Set by Form.Item, so that its label points at the select. */
  id?: string;
}) {
  const { i18n } = useTranslation();
  const treeData = useMemo(
    () => toTreeData(buildTree(props.units ?? []), i18n.language, props.exclude ?? new Set()),
    [props.units, i18n.language, props.exclude],
  );
  return (
    <TreeSelect
      id={props.id}
      data-testid={props.testId}
      value={props.value ?? undefined}
      onChange={(v: string) => props.onChange?.(v)}
      treeData={treeData}
      showSearch={{ treeNodeFilterProp: 'title' }}
      allowClear={props.allowClear}
      placeholder={props.placeholder}
      loading={!props.units}
      treeDefaultExpandAll={false}
      treeDefaultExpandedKeys={treeData.map((n) => n.value as string)}
      style={{ width: '100%' }}
      popupMatchSelectWidth={false}
    />
  );
}
