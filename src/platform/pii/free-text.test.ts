import { describe, expect, it } from 'vitest';
import { findPersonalData, maskFreeText, maskFreeTextDeep, restoreMaskedFreeText } from './free-text.ts';

const cases = (rows: Array<[string, string]>) => rows.map(([input, masked]) => ({ input, masked }));

describe('maskFreeText: mobile numbers', () => {
  it.each(
    cases([
      ['13912345678', '139****5678'],
      ['139 1234 5678', '139****5678'],
      ['139-1234-5678', '139****5678'],
      ['139.1234.5678', '139****5678'],
      ['139+1234+5678', '139****5678'],
      ['139 - 1234 - 5678', '139****5678'],
      ['139 12345678', '139****5678'],
      ['1391234 5678', '139****5678'],
      ['1391 234 5678', '139****5678'],
      ['139　1234　5678', '139****5678'], // ideographic spaces
      ['１３９１２３４５６７８', '139****5678'], // full-width digits (Chinese input methods)
      ['+86 139 1234 5678', '139****5678'],
      ['+86-139-1234-5678', '139****5678'],
      ['+8613912345678', '139****5678'],
      ['(+86)13912345678', '139****5678'],
      ['（+86）139 1234 5678', '139****5678'],
      ['0086 13912345678', '139****5678'],
      ['008613912345678', '139****5678'],
      ['86-139-1234-5678', '139****5678'],
      ['8613912345678', '139****5678'],
      ['手机：18712341271', '手机：187****1271'],
      ['TEL13912345678', 'TEL139****5678'],
      ['王先生13912345678，李女士 158-0000-1234', '王先生139****5678，李女士 158****1234'],
      ['联系电话13812345678/13987654321', '联系电话138****5678/139****4321'],
      ['13912345678@139.com', '1***@139.com'],
    ]),
  )('$input → $masked', ({ input, masked }) => {
    expect(maskFreeText(input)).toBe(masked);
  });
});

describe('maskFreeText: fixed lines', () => {
  it.each(
    cases([
      ['025-84561234', '025****1234'],
      ['02584561234', '025****1234'],
      ['025 8456 1234', '025****1234'],
      ['(025)84561234', '025****1234'],
      ['（025）8456-1234', '025****1234'],
      ['(0512) 6888 1234', '0512****1234'],
      ['0571-8765 4321', '0571****4321'],
      ['010-62345678', '010****5678'],
      ['+86 25 8456 1234', '025****1234'],
      ['0086-10-23456789', '010****6789'],
      ['025-84561234-801', '025****1234-801'],
      ['025-84561234 转801', '025****1234 转801'],
      ['座机 8456 1234', '座机 ****1234'],
      ['家里电话：84561234', '家里电话：****1234'],
      ['tel: 8456-1234', 'tel: ****1234'],
      ['宽带账号 ad02584561234', '宽带账号 ad025****1234'],
    ]),
  )('$input → $masked', ({ input, masked }) => {
    expect(maskFreeText(input)).toBe(masked);
  });
});

describe('maskFreeText: resident ID numbers', () => {
  it.each(
    cases([
      ['320106198706230014', '320***********0014'],
      ['320106 19870623 0014', '320***********0014'],
      ['320106-19870623-0014', '320***********0014'],
      ['3201 0619 8706 2300 14', '320***********0014'],
      ['11010519491231002X', '110***********002X'],
      ['11010519491231002x', '110***********002X'],
      ['110105 19491231 002X', '110***********002X'],
      ['身份证号：３２０１０６１９８７０６２３００１４', '身份证号：320***********0014'],
      // A wrong check digit still identifies the person: masked.
      ['320106198706230015', '320***********0015'],
      // The old 15-digit form (birth date YYMMDD).
      ['320106870623001', '320********3001'],
      ['320106 870623 001', '320********3001'],
      ['证件320106198706230014已核实', '证件320***********0014已核实'],
    ]),
  )('$input → $masked', ({ input, masked }) => {
    expect(maskFreeText(input)).toBe(masked);
  });
});

describe('maskFreeText: bank cards', () => {
  it.each(
    cases([
      // Luhn-valid numbers.
      ['4111111111111111', '4111********1111'],
      ['4111 1111 1111 1111', '4111********1111'],
      ['5555-5555-5555-4444', '5555********4444'],
      ['378282246310005', '3782*******0005'], // American Express, 15 digits
      ['3782 822463 10005', '3782*******0005'],
      // UnionPay (62…), Luhn or not: some of its debit cards do not pass the check.
      ['6222021234567890', '6222********7890'],
      ['6222 0212 3456 7890 123', '6222***********0123'],
      ['622202 1234567890123', '6222***********0123'],
      // Written in groups of four: a card, whatever its check digit.
      ['9558 8012 3456 7890 123', '9558***********0123'],
      ['退款到卡号6217001234567890123', '退款到卡号6217***********0123'],
    ]),
  )('$input → $masked', ({ input, masked }) => {
    expect(maskFreeText(input)).toBe(masked);
  });
});

describe('maskFreeText: street-level addresses', () => {
  it.each(
    cases([
      ['江苏省南京市玄武区中山路18号', '江苏省南京市玄武区****'],
      ['江苏省南京市玄武区中山路18号3栋2单元501室', '江苏省南京市玄武区****'],
      ['住江苏省南京市玄武区中山路18号3栋2单元501室，白天不在家', '住江苏省南京市玄武区****，白天不在家'],
      ['他家在中山路18号', '他家在****'],
      ['客户在鼓楼区湖南路1号阳光花园5幢302室', '客户在鼓楼区****'],
      ['南京市秦淮区汉中门大街128号', '南京市秦淮区****'],
      ['上海市黄浦区南京东路100弄5号', '上海市黄浦区****'],
      ['杭州市西湖区文三路 478 号', '杭州市西湖区****'],
      ['杭州市西湖区文三路四百七十八号', '杭州市西湖区****'],
      ['江宁区禄口镇石埝村3组15号', '江宁区****'],
      ['玄武区孝陵卫街道卫岗社区8号', '玄武区****'],
      ['北京市朝阳区建国路88号SOHO现代城B座1203室', '北京市朝阳区****'],
      ['Z端：江苏省南京市玄武区中山路18号金鹰大厦12楼机房', 'Z端：江苏省南京市玄武区****机房'],
      ['翠竹园5栋', '****'],
      ['阳光花园3-2-501', '****'],
      ['地址：苏州市姑苏区人民路1000号，联系人王工', '地址：苏州市姑苏区****，联系人王工'],
      ['温州市鹿城区五马街３２号', '温州市鹿城区****'],
    ]),
  )('$input → $masked', ({ input, masked }) => {
    expect(maskFreeText(input)).toBe(masked);
  });
});

describe('maskFreeText: everything in one note', () => {
  it('masks each piece and leaves the rest of the sentence readable', () => {
    const note =
      '2026-12-07 14:30 王先生来电（139 1234 5678）报宽带中断，工单C1000197，' +
      '上门地址江苏省南京市玄武区中山路18号3栋2单元501室；身份证320106 19870623 0014已核实，' +
      '退费到卡6222 0212 3456 7890 123，邮箱 wang.fang@example.com，备用座机(025)8456-1234。';
    expect(maskFreeText(note)).toBe(
      '2026-12-07 14:30 王先生来电（139****5678）报宽带中断，工单C1000197，' +
        '上门地址江苏省南京市玄武区****；身份证320***********0014已核实，' +
        '退费到卡6222***********0123，邮箱 w***@example.com，备用座机025****1234。',
    );
  });

  it('names what it found, with offsets into the text', () => {
    const text = '电话13912345678，住鼓楼区湖南路1号';
    expect(findPersonalData(text).map((f) => [f.kind, text.slice(f.start, f.end), f.masked])).toEqual([
      ['mobile', '13912345678', '139****5678'],
      ['address', '湖南路1号', '****'],
    ]);
  });

  it('is idempotent: masked text stays as it is', () => {
    for (const t of [
      '139****5678',
      '025****1234',
      '320***********0014',
      '6222********7890',
      'w***@example.com',
      '江苏省南京市玄武区****',
      '王先生 139****5678，住江苏省南京市玄武区****，白天不在家',
    ])
      expect(maskFreeText(t)).toBe(t);
  });
});

describe('maskFreeText: what an operator writes that is not personal stays readable', () => {
  it.each([
    '2026-12-07',
    '2026-12-07 13:45:00',
    '2026.12.07 13:45',
    '2026/12/07',
    '2026年12月7日 14:00-16:00上门',
    '12月3号上门',
    '预约 9:30-11:30',
    '金额1380.00元，优惠 19.9 元',
    '¥13,912,345,678',
    '价格 0.13912345678',
    '订单C1000197',
    '客户编号 C1000197，合同 HT-2026-000123',
    '工单号 SR202612070001',
    '工单 20261207000123',
    '电路编号 NJ-SH/ETN0001NP，南京-上海 10GE',
    'ETN13912345678NP',
    'A端：南京玄武局OLT01 PON 1/2/3，端口 1/0/3',
    'ONU SN: HWTC12345678',
    'IP 192.168.10.25 网关 10.13.91.254 VLAN 2013',
    'ICCID 89860012345678901234',
    'IMEI 861234567890123',
    '带宽 100M，光衰 -19.5dBm，距离 3.2 公里',
    '线路3号中断，管道3号井进水',
    '装维3组15号工单已派',
    '地铁3号线附近',
    '客服热线 10000，400-820-8820，95588',
    '尾号5678',
    '邮编 210000',
    '机房在5楼',
    '版本 V1.3.9',
    '0193a000-0000-7000-8000-138123456780',
  ])('%s', (text) => {
    expect(maskFreeText(text)).toBe(text);
  });
});

describe('maskFreeTextDeep', () => {
  it('masks every string value of attributes and history details, keys untouched', () => {
    expect(
      maskFreeTextDeep({
        联系人电话: '139 1234 5678',
        楼层: 12,
        ends: ['A: 中山路18号', 'Z: 机房'],
        nested: { reason: '客户 320106198706230014 要求' },
        ok: true,
      }),
    ).toEqual({
      联系人电话: '139****5678',
      楼层: 12,
      ends: ['A: ****', 'Z: 机房'],
      nested: { reason: '客户 320***********0014 要求' },
      ok: true,
    });
  });
});

describe('restoreMaskedFreeText: an edited masked note keeps its hidden values', () => {
  const stored = '王先生 139 1234 5678，住江苏省南京市玄武区中山路18号3栋，身份证320106198706230014';

  it('puts back what each mask hid, around the edit', () => {
    const shown = maskFreeText(stored);
    const edited = `${shown}。12月8日已回访`;
    expect(restoreMaskedFreeText(edited, stored)).toBe(`${stored}。12月8日已回访`);
  });

  it('keeps what the user removed removed, and new values as typed', () => {
    expect(restoreMaskedFreeText('王先生 139****5678，新号码 158 0000 1234', stored)).toBe(
      '王先生 139 1234 5678，新号码 158 0000 1234',
    );
  });

  it('leaves masks the stored text did not produce, and text without stars, alone', () => {
    expect(restoreMaskedFreeText('请拨 187****1271', stored)).toBe('请拨 187****1271');
    expect(restoreMaskedFreeText('全新的备注', stored)).toBe('全新的备注');
    expect(restoreMaskedFreeText('139****5678', null)).toBe('139****5678');
  });

  it('gives two phones with the same mask back in order', () => {
    const two = '139 1234 5678 和 139 0000 5678';
    expect(restoreMaskedFreeText(maskFreeText(two), two)).toBe(two);
    expect(restoreMaskedFreeText('139****5678', '13912345678')).toBe('13912345678');
    // A mask repeated beyond what was stored: only a value it always stood for comes back.
    expect(restoreMaskedFreeText('139****5678 / 139****5678', '13912345678')).toBe(
      '13912345678 / 13912345678',
    );
    expect(restoreMaskedFreeText('139****5678 / 139****5678 / 139****5678', two)).toBe(
      '139 1234 5678 / 139 0000 5678 / 139****5678',
    );
  });
});

describe('maskFreeText: cost', () => {
  it('masks a long note quickly, also one made of endless digit groups', () => {
    const note = '王先生 139 1234 5678，住江苏省南京市玄武区中山路18号3栋2单元501室，订单C1000197。'.repeat(
      80,
    );
    const digits = '1 '.repeat(5000);
    const spaced = '13912345678 '.repeat(500);
    const t0 = performance.now();
    expect(maskFreeText(note)).not.toContain('1234 5678');
    expect(maskFreeText(digits)).toBe(digits);
    expect(maskFreeText(spaced)).toBe('139****5678 '.repeat(500));
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
