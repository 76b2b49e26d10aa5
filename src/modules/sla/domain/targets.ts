/** The targets of a policy row (their own file: the reasons and the policy rules both name them). */

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

export const TARGET_NAMES: Record<TargetType, string> = {
  response: '响应',
  feedback: '反馈',
  arrival: '到场',
  restoration: '修复/恢复',
  resolution: '解决',
  progress: '进展通报',
};
