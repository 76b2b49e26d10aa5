// The security screens' texts, registered when their chunk loads (not part of the login bundle).
import { addScreenTexts } from '../../i18n/index.ts';
import securityEn from '../../i18n/locales/security.en.ts';
import securityZhCN from '../../i18n/locales/security.zh-CN.ts';

addScreenTexts('security', { 'zh-CN': securityZhCN, en: securityEn });
