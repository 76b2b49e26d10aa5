import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { BrowserRouter } from 'react-router';
import { QueryProvider } from './api/query.tsx';
import { SessionProvider } from './auth/session.tsx';
import { i18n } from './i18n/index.ts';
import { PrefsProvider, usePrefs } from './i18n/PrefsProvider.tsx';
import { useReducedMotion } from './lib/useReducedMotion.ts';
import { AppRoutes } from './routes.tsx';

function Themed({ children }: { children: ReactNode }) {
  const { language } = usePrefs();
  const reducedMotion = useReducedMotion();
  return (
    <ConfigProvider
      locale={language === 'zh-CN' ? zhCN : enUS}
      theme={{ token: { colorPrimary: '#1662d4', motion: !reducedMotion } }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nextProvider i18n={i18n}>
      <PrefsProvider>
        <Themed>
          <QueryProvider>
            <SessionProvider>
              <BrowserRouter>
                <AppRoutes />
              </BrowserRouter>
            </SessionProvider>
          </QueryProvider>
        </Themed>
      </PrefsProvider>
    </I18nextProvider>
  );
}
