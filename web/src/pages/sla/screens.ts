// The SLA screens (服务时限策略, 工作日历), loaded together on demand (routes.tsx).
export { default as SlaCalendarsPage } from './SlaCalendarsPage.tsx';
export { default as SlaPoliciesPage } from './SlaPoliciesPage.tsx';
// Their texts, registered when the chunk loads (not part of the login bundle).
import { addScreenTexts } from '../../i18n/index.ts';
import slaEn from '../../i18n/locales/sla.en.ts';
import slaZhCN from '../../i18n/locales/sla.zh-CN.ts';

addScreenTexts('sla', { 'zh-CN': slaZhCN, en: slaEn });
