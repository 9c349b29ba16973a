/** Strings of the public progress page (警情进度查询), merged into the zh-CN and en resources under `progress`. */
export const progressText = {
  zh: { title: '报警进度查询' },
  en: { title: 'Track your report' },
};
