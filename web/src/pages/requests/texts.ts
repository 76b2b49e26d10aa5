// The request screens' texts, added when their chunk loads (not before the login page).
import { addScreenTexts } from '../../i18n/index.ts';
import requestsEn from '../../i18n/locales/requests.en.ts';
import requestsZhCN from '../../i18n/locales/requests.zh-CN.ts';
import slaEn from '../../i18n/locales/sla.en.ts';
import slaZhCN from '../../i18n/locales/sla.zh-CN.ts';

addScreenTexts('requests', { 'zh-CN': requestsZhCN, en: requestsEn });
// The SLA card, countdowns and timeline entries on request screens and boards (`sla.clocks.*`).
addScreenTexts('sla', { 'zh-CN': slaZhCN, en: slaEn });
