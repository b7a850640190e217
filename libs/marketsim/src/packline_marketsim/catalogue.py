"""What the simulated seller sells: products with their ids on each marketplace and their SKUs."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    """One sellable option. `code` is the seller's own code (Coupang externalVendorSkuCode,
    Naver sellerProductCode); `skus` is what one unit takes from the warehouse."""

    code: str
    name: str
    option: str
    price_krw: int
    skus: tuple[tuple[str, int], ...]
    coupang_product_id: str  # sellerProductId
    coupang_item_id: str  # vendorItemId: the option id Coupang orders are matched on
    naver_product_id: str  # productId (channel product number)
    naver_option_code: str  # optionCode
    elevenst_product_id: str = ""  # 11st prdNo
    elevenst_option_id: str = ""  # 11st prdStckNo (the ordered option's stock number)

    def listing(self, marketplace: str) -> tuple[str, str]:
        """(listing_id, option_id) as the collector reads them from that marketplace."""
        if marketplace == "COUPANG":
            return self.coupang_product_id, self.coupang_item_id
        if marketplace == "NAVER":
            return self.naver_product_id, self.naver_option_code
        if marketplace == "ELEVENST":
            return self.elevenst_product_id, self.elevenst_option_id
        raise ValueError(f"the simulator has no marketplace {marketplace!r}")


def _p(
    code: str, name: str, option: str, price: int, skus: tuple[tuple[str, int], ...], n: int
) -> Product:
    return Product(
        code,
        name,
        option,
        price,
        skus,
        f"1325746{n // 10}",
        f"7005123450{n}",
        f"881234567{n // 10}",
        f"3456120{n}",
        f"29{n // 10}70295",
        f"88{n}120034",
    )


CATALOGUE: tuple[Product, ...] = (
    _p("RICE-5KG", "유기농 현미 5kg", "5kg", 32_900, (("RICE-5KG", 1),), 11),
    _p("RICE-10KG", "유기농 현미 5kg", "10kg(5kg x2)", 63_800, (("RICE-5KG", 2),), 12),
    _p("TANGERINE-3KG", "제주 감귤 3kg", "로얄과", 24_500, (("TANGERINE-3KG", 1),), 21),
    _p("EGG-30", "무항생제 계란 30구", "대란", 11_900, (("EGG-30", 1),), 31),
    _p("SESAME-OIL", "국산 참기름 350ml", "1병", 15_800, (("SESAME-OIL", 1),), 41),
    _p(
        "OIL-SET",
        "명절 선물세트",
        "참기름+들기름",
        29_000,
        (("SESAME-OIL", 1), ("PERILLA-OIL", 1)),
        51,
    ),
    # the seller's code here is not a warehouse SKU, so only a mapping (매칭) can resolve it
    _p("LAVER-200G", "수제 김부각 200g", "오리지널", 9_900, (("LAVER-CHIPS", 1),), 61),
    _p("BONE-SOUP", "한우 사골곰탕 500g", "10팩", 39_000, (("BONE-SOUP", 1),), 71),
)


def by_code(code: str) -> Product:
    for product in CATALOGUE:
        if product.code == code:
            return product
    raise KeyError(f"no product {code!r} in the simulator's catalogue")
