// The request screens' texts, added when their chunk loads (not before the login page).
import { addScreenTexts } from '../../i18n/index.ts';
import requestsEn from '../../i18n/locales/requests.en.ts';
import requestsZhCN from '../../i18n/locales/requests.zh-CN.ts';

addScreenTexts('requests', { 'zh-CN': requestsZhCN, en: requestsEn });
