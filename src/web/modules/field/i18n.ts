/** Strings of the officer field view (移动警务), merged into the zh-CN and en resources under `field`. */
export const fieldText = {
  zh: { title: '我的任务' },
  en: { title: 'My task' },
};
