/**
 * Chinese names for the fictional province: cities, districts, rivers, roads, police stations, communities.
 * Plausible but invented combinations; uniqueness is kept per city by `NameBook`.
 */
import type { GeoRng } from './geography.prng.ts';

/** The fictional province (GB/T 2260 does not use 91). */
export const PROVINCE = { id: '91', name: '东川省' } as const;

/** Cities of the province, the capital first. */
export const CITY_NAMES = [
  '江州市',
  '澄阳市',
  '云岭市',
  '青溪市',
  '鹿原市',
  '石湾市',
  '枫桥市',
  '临湖市',
  '望海市',
  '安平市',
];

/** Urban districts (区) then counties (县), in the order they are assigned. */
export const DISTRICT_NAMES = ['江南区', '江北区', '城中区', '东湖区', '西山区', '新港区', '南塘区', '北塔区'];
export const COUNTY_NAMES = ['青阳县', '石门县', '云溪县'];

export const RIVER_NAMES = ['清江', '澄江', '白沙河', '青溪河', '玉带河', '锦水', '南明河', '沅溪', '汀江', '湄江'];

/** Two-character words that name roads and places. */
const WORDS = (
  '人民 解放 中山 建设 和平 胜利 文化 学府 青年 朝阳 光明 幸福 团结 新华 东风 红旗 金沙 银杏 桂花 樟树 凤凰 龙泉 ' +
  '锦绣 春晖 明珠 滨江 沿江 望江 临江 江汉 长江 黄河 珠江 湘江 岳麓 衡山 华山 泰山 峨眉 庐山 黄山 天山 昆仑 太白 ' +
  '五一 八一 七一 科技 创新 工业 商业 体育 湖滨 西湖 东湖 南湖 北湖 翠湖 荷花 兰花 梅花 菊花 玉兰 紫薇 芙蓉 牡丹 ' +
  '海棠 丁香 茉莉 杜鹃 石榴 枫林 松林 竹林 柳林 桃源 杏林 梨园 果园 花园 康乐 安康 永安 长安 太平 兴隆 繁荣 富强 ' +
  '振兴 复兴 育才 书院 府前 府后 钟楼 鼓楼 文庙 状元 学院 师范 工农 星光 月光 阳光 晨光 曙光 金桥 银河 天河 星河 ' +
  '云台 雨花 清风 明月 白云 青云 紫云 祥云 瑞祥 吉祥 如意 东门 西门 南门 北门 白沙 青石 黄土 红岭 绿洲 翠屏 ' +
  '金山 银山 宝塔 观音 龙井 凤岭 狮山 象山 虎溪 鹤鸣 燕子 莲塘 荷塘 柳塘 梅岭 松岗 竹园 桂园 兰亭 菊园 枫叶 ' +
  '新民 新村 新河 新桥 新街 老街 古城 古井 石桥 铁桥 木桥 水口 沙洲 江心 江岸 河西 河东 湖心 塘边 园林 农林 ' +
  '丰收 丰乐 丰泽 福安 福兴 福华 瑞丰 瑞和 和顺 和兴 宏图 宏远 鸿运 嘉禾 嘉园 锦江 锦华 锦城 金城 玉泉 玉林 ' +
  '碧水 碧桂 翡翠 琥珀 水晶 珍珠 玛瑙 映月 望月 揽月 听涛 观澜 临风 拾翠 流芳 怡和 怡景 静安 宁安 康宁 惠民'
).split(' ');

const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Suffixes by road kind. */
const ROAD_SUFFIX = {
  trunk: ['大道'],
  primary: ['路', '大道', '路'],
  secondary: ['路'],
  local: ['街', '巷', '路', '里', '街'],
  motorway: ['高速'],
} as const;

const COMMUNITY_SUFFIX = ['苑', '园', '里', '坊', '湾', '新村', '花园', '家园', '小区', ''];

/** Hands out names unique within one city. */
export class NameBook {
  private readonly used = new Set<string>();
  private readonly usedWords = new Set<string>();

  constructor(private readonly rng: GeoRng) {}

  /** Reserves a name given from outside (city, district). */
  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  /** A road name; arterials and motorways get a word of their own (their bridges are named after it). */
  road(kind: keyof typeof ROAD_SUFFIX): { name: string; word: string } {
    const exclusive = kind !== 'local' && kind !== 'secondary';
    for (let attempt = 0; attempt < 60; attempt++) {
      const word = this.rng.pick(WORDS);
      if (exclusive && this.usedWords.has(word)) continue;
      const name = word + this.rng.pick(ROAD_SUFFIX[kind]);
      if (this.used.has(name)) continue;
      this.used.add(name);
      if (exclusive) this.usedWords.add(word);
      return { name, word };
    }
    for (;;) {
      const word = this.rng.pick(WORDS);
      const name = word + this.rng.pick(ORDINALS) + this.rng.pick(ROAD_SUFFIX[kind]);
      if (!this.used.has(name)) {
        this.used.add(name);
        return { name, word };
      }
    }
  }

  /** A place name with a suffix (…派出所, …社区), unique. */
  place(suffix: string, withFlavour = false): string {
    for (let attempt = 0; ; attempt++) {
      const base = this.rng.pick(WORDS) + (withFlavour ? this.rng.pick(COMMUNITY_SUFFIX) : '');
      const name = attempt < 80 ? base + suffix : base + this.rng.pick(ORDINALS) + suffix;
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }

  /** True when the name is taken. */
  has(name: string): boolean {
    return this.used.has(name);
  }
}
