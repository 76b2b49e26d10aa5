import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { columnsOf, fromTmfMedia, mediaFromColumns, sameMedia, toTmfMedium } from './contact-media.ts';

const refused = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).message;
  }
  throw new Error('not refused');
};

describe('TMF629 contact media', () => {
  it('keeps several of a type; the preferred (else first) of each is the customer’s own', () => {
    const media = fromTmfMedia(
      [
        { '@type': 'PhoneContactMedium', phoneNumber: '+86 139 1234 5678', contactType: 'mobile' },
        { '@type': 'PhoneContactMedium', phoneNumber: '025-84561234', preferred: true },
        { '@type': 'EmailContactMedium', emailAddress: 'A@Example.cn' },
        {
          '@type': 'GeographicAddressContactMedium',
          stateOrProvince: '江苏省',
          city: '南京市',
          street1: '玄武区中山路18号',
          postCode: '210000',
        },
      ],
      [],
    );
    expect(media.map((m) => m.value)).toEqual([
      '13912345678',
      '02584561234',
      'a@example.cn',
      '玄武区中山路18号',
    ]);
    expect(columnsOf(media)).toEqual({
      phone: '02584561234',
      email: 'a@example.cn',
      address: '江苏省南京市玄武区中山路18号',
    });
    expect(toTmfMedium(media[3]!)).toEqual({
      '@type': 'GeographicAddressContactMedium',
      preferred: false,
      stateOrProvince: '江苏省',
      city: '南京市',
      postCode: '210000',
      street1: '玄武区****',
    });
  });

  it('a masked value stands for the kept one it matches; one matching nothing is refused', () => {
    const kept = mediaFromColumns({ phone: '13812345678', email: null, address: null });
    const back = fromTmfMedia([toTmfMedium(kept[0]!)], kept);
    expect(back[0]!.value).toBe('13812345678');
    expect(sameMedia(kept, back)).toBe(true);
    expect(
      refused(() => fromTmfMedia([{ '@type': 'PhoneContactMedium', phoneNumber: '139****0000' }], kept)),
    ).toMatch(/contactMedium\[0\]\.phoneNumber: is a masked value/);
  });

  it('refuses by name what it cannot keep', () => {
    expect(refused(() => fromTmfMedia([{ '@type': 'PigeonContactMedium' }], []))).toMatch(
      /contactMedium\[0\]\.@type: must be one of/,
    );
    expect(refused(() => fromTmfMedia([{ '@type': 'PhoneContactMedium', phoneNumber: '1234' }], []))).toMatch(
      /contactMedium\[0\]\.phoneNumber: /,
    );
    expect(
      refused(() =>
        fromTmfMedia(
          [{ '@type': 'EmailContactMedium', emailAddress: 'a@b.cn', validFor: { endDateTime: 'soon' } }],
          [],
        ),
      ),
    ).toMatch(/validFor\.endDateTime: must be a date-time/);
    expect(
      refused(() =>
        fromTmfMedia([{ '@type': 'PhoneContactMedium', phoneNumber: '13812345678', id: 'x' }], []),
      ),
    ).toMatch(/contactMedium\[0\]\.id: /);
    expect(refused(() => fromTmfMedia({}, []))).toMatch(/contactMedium: must be an array/);
    expect(
      fromTmfMedia(null, mediaFromColumns({ phone: '13812345678', email: null, address: null })),
    ).toEqual([]);
  });
});
