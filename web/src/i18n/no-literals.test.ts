// Every word a person reads goes through i18n: this scans the console's components for text
// written straight into JSX (Chinese or English) and for Chinese string literals in code.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const WORDS = /[\p{Script=Han}]|[A-Za-z]{2,}/u;
const HAN = /\p{Script=Han}/u;
// Props that carry visible or spoken text.
const TEXT_PROPS = new Set([
  'title',
  'placeholder',
  'label',
  'alt',
  'aria-label',
  'description',
  'subTitle',
  'okText',
  'cancelText',
  'extra',
  'tooltip',
  'content',
  'checkedChildren',
  'unCheckedChildren',
  'enterButton',
  'text',
]);

/** Findings as "line: text" for one file's source. */
export function literalText(fileName: string, source: string): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const at = (node: ts.Node, text: string) =>
    found.push(`${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: ${text.trim()}`);
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && WORDS.test(node.text)) at(node, node.text);
    else if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer)) {
      const name = node.name.getText(sf);
      if (TEXT_PROPS.has(name) && WORDS.test(node.initializer.text)) {
        at(node, `${name}="${node.initializer.text}"`);
        return;
      }
    } else if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      HAN.test(node.text)
    ) {
      at(node, node.text);
    } else if (
      ts.isTemplateExpression(node) &&
      [node.head, ...node.templateSpans.map((s) => s.literal)].some((p) => HAN.test(p.text))
    ) {
      at(node, node.getText(sf));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'locales' ? [] : files(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.gen.ts') ? [p] : [];
  });
}

describe('no hard-coded user-facing text', () => {
  it('finds text written into JSX, text props and Chinese literals (the check itself works)', () => {
    const bad = [
      'export const A = () => <Button title="Save it">保存</Button>;',
      'export const B = () => <Input placeholder="请输入" />;',
      "export const C = () => message.info('操作成功');",
      'export const D = () => <p>Hello world</p>;',
    ].join('\n');
    expect(literalText('bad.tsx', bad)).toEqual([
      '1: title="Save it"',
      '1: 保存',
      '2: placeholder="请输入"',
      '3: 操作成功',
      '4: Hello world',
    ]);
    const good = [
      "export const A = () => <Button title={t('common.save')}>{t('common.save')}</Button>;",
      'export const B = () => <Typography.Text keyboard>{label}</Typography.Text>;',
      'export const C = () => <div data-testid="queue" className="op-page" />;',
      "export const D = () => <span>{' '}—{'·'}</span>;",
    ].join('\n');
    expect(literalText('good.tsx', good)).toEqual([]);
  });

  it('holds for every component and module of the console', () => {
    const root = path.resolve(import.meta.dirname, '..');
    const findings = files(root).flatMap((f) =>
      literalText(f, fs.readFileSync(f, 'utf8')).map((x) => `${path.relative(root, f)}:${x}`),
    );
    expect(findings).toEqual([]);
  });
});
