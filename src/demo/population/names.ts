/**
 * Chinese personal names: surnames by their approximate share of the population (public security household
 * registration statistics, 2020 order: 王 李 张 刘 陈 …) and given names in the fashion of the birth decade.
 */
import type { Sex } from '../../contracts/resident-id.ts';
import { Weighted, type Rng } from './random.ts';

/**
 * Surnames with their share of the population in per mille (the long tail is folded into the listed ones),
 * as `surname` + number, space-separated.
 */
const SURNAMES: readonly (readonly [string, number])[] = [
  '王71 李70 张67 刘54 陈46 杨32 黄25 赵24 吴20 周19 徐16 孙15 马15 朱13 胡13 郭11 何11 林10 高10 罗9 郑8 梁8 谢7 宋6 ',
  '唐6 许6 韩6 冯5 邓5 曹5 彭5 曾5 肖5 田4 董4 袁4 潘4 于4 蒋4 蔡4 余4 杜4 叶4 程4 苏3 魏3 吕3 丁3 任3 沈3 姚3 卢3 姜3 崔3 ',
  '钟3 谭3 陆3 汪3 范3 金3 石2 廖2 贾2 夏2 韦2 付2 方2 白2 邹2 孟2 熊2 秦2 邱2 江2 尹2 薛2 闫2 段2 雷2 侯2 龙2 史2 陶1 黎1 ',
  '贺1 顾1 毛1 郝1 龚1 邵1 万1 钱1 严1 覃1 武1 戴1 莫1 孔1 向1 汤1 欧阳0.5 司马0.1 诸葛0.1 上官0.1 ',
]
  .join('')
  .trim()
  .split(' ')
  .map((s) => {
    const m = /^(\D+)([\d.]+)$/.exec(s)!;
    return [m[1]!, Number(m[2])] as const;
  });

const SURNAME_DIST = Weighted.of(SURNAMES);

/** Splits a space-separated list. */
function words(list: string): string[] {
  return list.split(' ');
}

/** Given names popular by birth period (up to and including `until`), for men and women. */
const ERA_NAMES: readonly { until: number; M: string[]; F: string[] }[] = [
  {
    until: 1964,
    M: words('建国 建华 国强 志强 德明 文明 永胜 国庆 卫东 振华 海生 春生 福林 长青 宝山 金龙 军 伟 勇 平 刚 明'),
    F: words('秀英 桂英 秀兰 玉兰 桂兰 淑珍 凤英 玉珍 秀珍 丽华 淑英 美兰 桂芳 素芬 英 芳 兰 珍 梅'),
  },
  {
    until: 1989,
    M: words('伟 磊 勇 军 杰 涛 斌 超 鹏 辉 刚 健 明 亮 强 峰 波 志勇 海涛 建军 晓东 文杰 志刚 俊杰'),
    F: words('丽 娟 艳 敏 静 燕 霞 芳 玲 红 婷 丹 晶 琳 丽娟 晓燕 海燕 秀梅 艳红 春梅 雪梅 晓丽'),
  },
  {
    until: 2004,
    M: words('浩 宇 鑫 磊 杰 帅 鹏 超 浩然 子豪 宇航 俊杰 志豪 家豪 博文 天宇 一帆 明轩'),
    F: words('婷 雪 倩 琪 欣 悦 佳怡 雨欣 欣怡 思琪 婉婷 梦瑶 诗琪 雨婷 心怡 佳琪'),
  },
  {
    until: 9999,
    M: words('子轩 浩宇 宇轩 梓豪 睿 沐宸 浩然 奕辰 一诺 宇泽 皓轩 子墨 俊熙 铭泽 思远'),
    F: words('子涵 一诺 欣怡 梓涵 诗涵 可馨 语桐 若汐 雨桐 梓萱 沐晴 依诺 安然 芷若'),
  },
];

const CHARS: Record<Sex, string> = {
  M: '伟志明建国文俊浩宇天子家嘉博泽睿晨阳鹏涛华东海林军斌杰翔磊峰强勇凯昊然铭辰航毅哲',
  F: '丽美秀婷雪静欣怡雨梦佳思琳雅晓慧璐倩悦瑶萱涵诗芳颖洁玉兰蕾薇琪妍菲岚',
};

/** A surname drawn by its frequency. */
export function surname(rng: Rng): string {
  return SURNAME_DIST.sample(rng);
}

/** A given name for someone of this sex born in `birthYear`. */
export function givenName(rng: Rng, sex: Sex, birthYear: number): string {
  if (rng.chance(0.6)) {
    const era = ERA_NAMES.find((e) => birthYear <= e.until)!;
    return rng.pick(era[sex]);
  }
  const chars = CHARS[sex];
  const a = chars[rng.int(chars.length)]!;
  if (rng.chance(0.2)) return a;
  let b = chars[rng.int(chars.length)]!;
  if (b === a) b = chars[(chars.indexOf(a) + 1) % chars.length]!;
  return a + b;
}

/** A full name (surname + given name). */
export function fullName(rng: Rng, sex: Sex, birthYear: number, familyName?: string): string {
  return (familyName ?? surname(rng)) + givenName(rng, sex, birthYear);
}
