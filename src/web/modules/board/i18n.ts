/** Strings of the command board (指挥调度), merged into the zh-CN and en resources under `board`. */
export const boardText = {
  zh: { title: '指挥调度' },
  en: { title: 'Command board' },
};
