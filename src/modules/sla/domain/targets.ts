/** The targets of a policy row (their own file: the reasons and the policy rules both name them). */
import { SLA_WORDS } from './words.ts';

/** 响应, 反馈, 到场, 修复/恢复, 解决, 进展通报 (an interval, the first one due like a deadline). */
export const TARGET_TYPES = [
  'response',
  'feedback',
  'arrival',
  'restoration',
  'resolution',
  'progress',
] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

/** The targets' zh-CN names (the server's own texts), from the table the console also reads. */
export const TARGET_NAMES: Readonly<Record<TargetType, string>> = SLA_WORDS['zh-CN'].targets;
