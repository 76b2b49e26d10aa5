// The customer screens' texts, registered when their chunk loads (not part of the login bundle).
import { addScreenTexts } from '../../i18n/index.ts';
import customersEn from '../../i18n/locales/customers.en.ts';
import customersZhCN from '../../i18n/locales/customers.zh-CN.ts';

addScreenTexts('customers', { 'zh-CN': customersZhCN, en: customersEn });
