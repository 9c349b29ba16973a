/** Standard address text (标准地址) and its normalised form for matching (geocoding, the demo writer). */

/** The parts of a standard address that make up its text. */
interface AddressParts {
  province: string;
  city: string;
  district: string;
  street: string;
  building: string;
}

/** The full standard address of a building: 东川省江州市江南区宏图大道721号1栋. */
export function formatAddress(a: AddressParts): string {
  return `${a.province}${a.city}${a.district}${a.street}${a.building}`;
}

/**
 * Normalises address text for matching: drops whitespace and punctuation, turns full-width digits and
 * letters into ASCII, and 幢/座/号楼 into 栋.
 */
export function normalizeAddressText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s,，.。、·\-—_()（）]/g, '')
    .replace(/(\d+)(?:幢|座|号楼)/g, '$1栋')
    .toLowerCase();
}
