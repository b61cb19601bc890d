/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-generator"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <errno.h>
#include <string.h>

#include "tm-generator.h"
#include "tm-json.h"

/*
 * The generator works in integers only: quantities are drawn as integers
 * (shares in 1/10000, log-scale sizes in thousandths of a decade, money in
 * fen) and turned into doubles at the very end as n / 10000.  That keeps
 * the output identical on every machine: no libm call whose last digit
 * could differ, no floating-point contraction, no rand(), and no iteration
 * over a hash table.
 *
 * Each streamer has a hidden quality (0–1000).  Credit score, reviews,
 * dispute handling, repeat buyers, incidents and every cooperation outcome
 * (GMV, conversion, returns, complaints, rating) are drawn around it, so a
 * matching engine has real signal to find.  Cooperations in a streamer's
 * own categories do better than outside them, repeat pairs do a little
 * better again, and a recent incident depresses the outcomes that follow.
 *
 * Credit scores are synthetic and use one scale per platform of the
 * streamer's main account:
 *   douyin       5-point "带货口碑分", one decimal (e.g. 4.7)
 *   taobao       5-point, one decimal
 *   xiaohongshu  5-point, one decimal
 *   jd           10-point, one decimal
 *   kuaishou, channels, bilibili   100-point, integer
 */

/* ---- PRNG: xoshiro256** seeded through splitmix64 ------------------- */

typedef struct {
  guint64 s[4];
} Rng;

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Separate streams for brands, streamers, cooperations and incidents, so
 * that asking for more cooperations does not change the streamers. */
static void
rng_init (Rng     *rng,
          guint64  seed,
          guint64  stream)
{
  guint64 x = seed ^ (stream * G_GUINT64_CONSTANT (0xD1B54A32D192ED03));

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
rng_next (Rng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* Uniform in [0, n); 0 when n is 0. */
static guint32
rng_below (Rng     *rng,
           guint32  n)
{
  return (guint32) (((rng_next (rng) >> 32) * (guint64) n) >> 32);
}

static guint64
rng_below64 (Rng     *rng,
             guint64  n)
{
  return n > 0 ? rng_next (rng) % n : 0;
}

/* Uniform in [lo, hi]. */
static gint64
rng_range (Rng    *rng,
           gint64  lo,
           gint64  hi)
{
  guint64 span;

  if (hi <= lo)
    return lo;
  span = (guint64) (hi - lo) + 1;
  /* Avoid the slow 64-bit division for the usual small ranges. */
  if (span <= G_MAXUINT32)
    return lo + rng_below (rng, (guint32) span);
  return lo + (gint64) rng_below64 (rng, span);
}

static gboolean
rng_chance (Rng   *rng,
            guint  permille)
{
  return rng_below (rng, 1000) < permille;
}

/* Roughly normal with mean 0 and standard deviation @sd: the sum of four
 * uniforms (Irwin–Hall), which stays within ±3.5 sd. */
static gint64
rng_normal (Rng    *rng,
            gint64  sd)
{
  gint64 a = sd * 866 / 1000;
  gint64 sum = 0;

  for (guint i = 0; i < 4; i++)
    sum += rng_range (rng, -a, a);
  return sum;
}

static guint
rng_weighted (Rng          *rng,
              const guint  *weights,
              guint         n)
{
  guint total = 0;
  guint r;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  if (total == 0)
    return rng_below (rng, n);
  r = rng_below (rng, total);
  for (guint i = 0; i < n; i++)
    {
      if (r < weights[i])
        return i;
      r -= weights[i];
    }
  return n - 1;
}

/* Functions rather than MIN/MAX: those evaluate an argument twice, which
 * with a random draw inside gives a second, different draw. */
static inline gint64
min64 (gint64 a,
       gint64 b)
{
  return a < b ? a : b;
}

static inline gint64
max64 (gint64 a,
       gint64 b)
{
  return a > b ? a : b;
}

static gint64
clamp64 (gint64 v,
         gint64 lo,
         gint64 hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* Keeps @v in [lo, hi] without piling values up on the bounds. */
static gint64
soft_clamp (Rng    *rng,
            gint64  v,
            gint64  lo,
            gint64  hi)
{
  gint64 spread = (hi - lo) / 20;

  if (v < lo)
    return lo + rng_range (rng, 0, spread);
  if (v > hi)
    return hi - rng_range (rng, 0, spread);
  return v;
}

/* ---- Integer helpers -------------------------------------------------- */

/* 10^(k/100) × 10^6 for k = 0…100. */
static const gint64 pow10_table[101] = {
  1000000, 1023293, 1047129, 1071519, 1096478, 1122018, 1148154, 1174898,
  1202264, 1230269, 1258925, 1288250, 1318257, 1348963, 1380384, 1412538,
  1445440, 1479108, 1513561, 1548817, 1584893, 1621810, 1659587, 1698244,
  1737801, 1778279, 1819701, 1862087, 1905461, 1949845, 1995262, 2041738,
  2089296, 2137962, 2187762, 2238721, 2290868, 2344229, 2398833, 2454709,
  2511886, 2570396, 2630268, 2691535, 2754229, 2818383, 2884032, 2951209,
  3019952, 3090295, 3162278, 3235937, 3311311, 3388442, 3467369, 3548134,
  3630781, 3715352, 3801894, 3890451, 3981072, 4073803, 4168694, 4265795,
  4365158, 4466836, 4570882, 4677351, 4786301, 4897788, 5011872, 5128614,
  5248075, 5370318, 5495409, 5623413, 5754399, 5888437, 6025596, 6165950,
  6309573, 6456542, 6606934, 6760830, 6918310, 7079458, 7244360, 7413102,
  7585776, 7762471, 7943282, 8128305, 8317638, 8511380, 8709636, 8912509,
  9120108, 9332543, 9549926, 9772372, 10000000,
};

/* 10^(@milli / 1000) for @milli in 0…11000, interpolated between
 * hundredths of a decade: heavy-tailed figures are drawn on a log scale
 * in thousandths of a decade and turned into numbers here. */
static gint64
pow10_milli (gint64 milli)
{
  gint64 decade, k, frac, mantissa, scale = 1;

  milli = clamp64 (milli, 0, 11000);
  decade = milli / 1000;
  k = (milli % 1000) / 10;
  frac = milli % 10;
  mantissa = pow10_table[k] + (pow10_table[k + 1] - pow10_table[k]) * frac / 10;
  for (gint64 i = 0; i < decade; i++)
    scale *= 10;
  /* mantissa < 10^7 and scale ≤ 10^11: fits in 64 bits. */
  return (mantissa * scale + 500000) / 1000000;
}

static double
share (gint64 permyriad)
{
  return (double) permyriad / 10000;
}

static int
n_digits (guint64 n)
{
  int d = 1;

  while (n >= 10)
    {
      n /= 10;
      d++;
    }
  return d;
}

/* "c-0000042": formatted by hand, as printf is a noticeable share of the
 * time for a million records. */
static char *
make_id (char  prefix,
         guint number,
         int   width)
{
  int digits = MAX (width, n_digits (number));
  char *id = g_malloc (digits + 3);

  id[0] = prefix;
  id[1] = '-';
  for (int i = digits + 1; i >= 2; i--)
    {
      id[i] = (char) ('0' + number % 10);
      number /= 10;
    }
  id[digits + 2] = '\0';
  return id;
}

/* Shares out of 10000 that sum to exactly 10000: the rounding remainder
 * goes to the largest share. */
static void
normalize_shares (const gint64 *weights,
                  guint         n,
                  double       *out)
{
  gint64 parts[8];
  gint64 sum = 0, total = 0;
  guint largest = 0;

  g_assert (n <= G_N_ELEMENTS (parts));

  for (guint i = 0; i < n; i++)
    sum += MAX (weights[i], 0);
  for (guint i = 0; i < n; i++)
    {
      parts[i] = sum > 0 ? MAX (weights[i], 0) * 10000 / sum : 10000 / n;
      total += parts[i];
      if (parts[i] > parts[largest])
        largest = i;
    }
  parts[largest] += 10000 - total;
  for (guint i = 0; i < n; i++)
    out[i] = share (parts[i]);
}

/* ---- Vocabulary ------------------------------------------------------- */

typedef struct {
  const char *zh;
  const char *py;   /* pinyin-ish, for account handles */
} Word;

enum {
  CAT_BEAUTY,
  CAT_APPAREL,
  CAT_FOOD,
  CAT_BABY,
  CAT_DIGITAL,
  CAT_HOME,
  CAT_HEALTH,
  CAT_SPORTS,
  CAT_JEWELRY,
  CAT_PETS,
  N_STREAMER_CATEGORIES,
  CAT_BOOKS = N_STREAMER_CATEGORIES,
  CAT_APPLIANCES,
  N_CATEGORIES,
};

typedef struct {
  const char *code;
  guint       streamer_weight;  /* relative share of streamers */
  guint       price_yuan;       /* typical order price, mid tier */
  guint       return_lo;        /* return rate range, 1/10000 */
  guint       return_hi;
  guint       age[TM_N_AGES];   /* audience age profile, percent */
  guint       female;           /* percent */
  const char *tags[8];          /* style tags fitting the category */
  Word        topics[4];        /* endings of streamer names */
  const char *products[4];      /* for incident descriptions */
  const char *claims[4];        /* an exaggerated claim for each product */
  const char *brand_suffixes[4];
} Category;

static const Category categories[N_CATEGORIES] = {
  [CAT_BEAUTY] = {
    "beauty", 180, 129, 800, 2000,
    { 4, 38, 34, 16, 6, 2 }, 88,
    { "国货", "成分党", "温和", "精致", "高端", "抗老", "专业测评", "性价比" },
    { { "爱美妆", "aimeizhuang" }, { "护肤日记", "hufuriji" },
      { "美妆间", "meizhuangjian" }, { "说成分", "shuochengfen" } },
    { "面霜", "精华液", "防晒霜", "粉底液" },
    { "敏感肌零刺激", "七天淡斑", "全天候防水防汗", "24小时不脱妆" },
    { "美妆", "护肤", "彩妆", "研究所" },
  },
  [CAT_APPAREL] = {
    "apparel", 170, 159, 2000, 4500,
    { 5, 30, 30, 22, 9, 4 }, 72,
    { "国潮", "简约", "通勤", "时尚", "性价比", "国风", "年轻", "复古" },
    { { "聊穿搭", "liaochuanda" }, { "穿搭日记", "chuandariji" },
      { "的衣橱", "deyichu" }, { "搭配师", "dapeishi" } },
    { "羽绒服", "羊毛大衣", "连衣裙", "牛仔裤" },
    { "90%白鹅绒", "100%纯羊毛", "真丝面料", "永不褪色" },
    { "服饰", "衣橱", "女装", "男装" },
  },
  [CAT_FOOD] = {
    "food", 160, 59, 300, 1000,
    { 3, 20, 27, 28, 14, 8 }, 58,
    { "原产地", "健康", "性价比", "地方特色", "家常", "零食", "吃播", "国货" },
    { { "吃遍全国", "chibianquanguo" }, { "的小厨房", "dexiaochufang" },
      { "爱美食", "aimeishi" }, { "探店", "tandian" } },
    { "坚果礼盒", "牛肉干", "即食燕窝", "螺蛳粉" },
    { "当季新货", "纯牛肉零添加", "燕窝含量50%", "正宗柳州原产" },
    { "食品", "零食铺", "农场", "食光" },
  },
  [CAT_BABY] = {
    "baby", 90, 169, 500, 1200,
    { 0, 8, 42, 40, 7, 3 }, 85,
    { "亲子", "安全", "温和", "育儿知识", "专业", "高端", "性价比", "宝妈" },
    { { "育儿", "yuer" }, { "育儿经", "yuerjing" },
      { "带娃日常", "daiwarichang" }, { "母婴好物", "muyinghaowu" } },
    { "婴儿奶粉", "纸尿裤", "儿童安全座椅", "宝宝辅食" },
    { "进口原装", "医用级材质", "欧标认证", "有机零添加" },
    { "母婴", "宝贝", "童装", "亲子" },
  },
  [CAT_DIGITAL] = {
    "digital", 90, 399, 300, 800,
    { 6, 34, 30, 20, 7, 3 }, 28,
    { "专业测评", "科技", "性价比", "极客", "开箱", "游戏", "高端", "年轻" },
    { { "说数码", "shuoshuma" }, { "数码测评", "shumaceping" },
      { "玩科技", "wankeji" }, { "开箱", "kaixiang" } },
    { "蓝牙耳机", "充电宝", "智能手表", "平板电脑" },
    { "降噪媲美大牌", "续航一周", "医疗级血压监测", "官方正品全新" },
    { "数码", "电子", "科技", "智能" },
  },
  [CAT_HOME] = {
    "home", 90, 149, 600, 1500,
    { 1, 14, 30, 32, 15, 8 }, 62,
    { "简约", "品质生活", "原木", "收纳", "性价比", "智能家居", "温馨", "国货" },
    { { "家居日记", "jiajuriji" }, { "好物收纳", "haowushouna" },
      { "爱生活", "aishenghuo" }, { "的家", "dejia" } },
    { "床品四件套", "收纳柜", "乳胶枕", "香薰机" },
    { "100%长绒棉", "零甲醛", "纯天然乳胶", "改善失眠" },
    { "家居", "生活馆", "家纺", "木作" },
  },
  [CAT_HEALTH] = {
    "health", 60, 199, 400, 1000,
    { 1, 8, 16, 28, 26, 21 }, 57,
    { "养生", "天然", "专业", "健康", "营养", "中老年", "高端", "健身" },
    { { "讲养生", "jiangyangsheng" }, { "健康课", "jiankangke" },
      { "营养师", "yingyangshi" }, { "养生堂", "yangshengtang" } },
    { "益生菌", "维生素片", "胶原蛋白饮", "护眼仪" },
    { "根治肠胃病", "防病毒", "一个月年轻十岁", "治疗近视" },
    { "健康", "草本", "营养", "本草" },
  },
  [CAT_SPORTS] = {
    "sports", 60, 299, 1000, 2500,
    { 5, 30, 30, 22, 9, 4 }, 42,
    { "户外", "专业", "耐用", "健身", "跑步", "运动潮流", "年轻", "性价比" },
    { { "运动日记", "yundongriji" }, { "户外", "huwai" },
      { "健身", "jianshen" }, { "跑起来", "paoqilai" } },
    { "登山鞋", "瑜伽垫", "冲锋衣", "跑步鞋" },
    { "专业级防水", "环保无异味", "极地级防寒", "碳板竞速同款" },
    { "运动", "户外", "体育", "骑行" },
  },
  [CAT_JEWELRY] = {
    "jewelry", 40, 899, 800, 2000,
    { 1, 16, 30, 30, 15, 8 }, 78,
    { "高端", "国风", "精致", "黄金", "轻奢", "文玩", "时尚", "专业" },
    { { "珠宝鉴赏", "zhubaojianshang" }, { "说翡翠", "shuofeicui" },
      { "金饰", "jinshi" }, { "的首饰盒", "deshoushihe" } },
    { "黄金手镯", "珍珠项链", "翡翠吊坠", "银耳钉" },
    { "足金999", "天然海水珍珠", "天然A货", "纯银不过敏" },
    { "珠宝", "饰品", "金饰", "银饰" },
  },
  [CAT_PETS] = {
    "pets", 50, 99, 300, 900,
    { 3, 36, 34, 18, 6, 3 }, 70,
    { "萌宠", "天然", "科学喂养", "安全", "性价比", "铲屎官", "温馨", "专业" },
    { { "宠物日常", "chongwurichang" }, { "和猫", "hemao" },
      { "铲屎记", "chanshiji" }, { "养狗指南", "yanggouzhinan" } },
    { "猫粮", "狗粮", "猫砂", "宠物零食" },
    { "无谷天然", "兽医推荐配方", "零粉尘", "人宠同级" },
    { "宠物", "萌宠", "宠粮", "爪爪" },
  },
  /* Only for other brands that cooperations name. */
  [CAT_BOOKS] = {
    "books", 0, 89, 200, 600,
    { 8, 30, 25, 22, 10, 5 }, 60,
    { "知识分享", "亲子", "专业", "国风", "干货", "性价比", "年轻", "高端" },
    { { "读书", "dushu" }, { "书单", "shudan" },
      { "讲书", "jiangshu" }, { "的书房", "deshufang" } },
    { "绘本套装", "练字帖", "精装书", "学习机" },
    { "名师独家", "一周写好字", "正版授权", "一周提分" },
    { "书局", "文化", "图书", "书坊" },
  },
  [CAT_APPLIANCES] = {
    "appliances", 0, 499, 300, 900,
    { 1, 12, 28, 32, 17, 10 }, 50,
    { "科技", "品质生活", "性价比", "专业测评", "智能家居", "简约", "高端", "国货" },
    { { "家电", "jiadian" }, { "电器测评", "dianqiceping" },
      { "厨房好物", "chufanghaowu" }, { "智能生活", "zhinengshenghuo" } },
    { "空气炸锅", "扫地机器人", "破壁机", "电热水壶" },
    { "零油更健康", "全屋无死角", "静音无噪", "一级能效" },
    { "电器", "家电", "厨电", "小家电" },
  },
};

static const char * const generic_tags[] = {
  "真实", "亲和", "搞笑", "干货", "颜值", "接地气", "口才好", "知识分享", "剧情", "宠粉",
};

typedef struct {
  const char  *name;
  guint        category;
  TmPriceTier  tier;
  const char  *tags[3];
  const char  *notes;
} BrandSeed;

/* The bundled brands: invented names, none of them a real brand. */
static const BrandSeed brand_seeds[] = {
  { "青禾美妆", CAT_BEAUTY, TM_PRICE_TIER_MID, { "国货", "温和", "成分党" },
    "主推敏感肌修护系列，偏好能讲清成分的达人" },
  { "暖织服饰", CAT_APPAREL, TM_PRICE_TIER_MID, { "简约", "通勤", "性价比" }, NULL },
  { "山野食记", CAT_FOOD, TM_PRICE_TIER_BUDGET, { "原产地", "健康", "性价比" },
    "秋冬坚果礼盒季，需要能讲好产地故事的主播" },
  { "贝贝安心", CAT_BABY, TM_PRICE_TIER_PREMIUM, { "安全", "温和", "亲子" },
    "母婴品类要求主播近一年无产品质量类事件" },
  { "星拾数码", CAT_DIGITAL, TM_PRICE_TIER_MID, { "专业测评", "科技", "性价比" }, NULL },
  { "栖木家居", CAT_HOME, TM_PRICE_TIER_MID, { "简约", "原木", "品质生活" }, NULL },
  { "元气草本", CAT_HEALTH, TM_PRICE_TIER_PREMIUM, { "养生", "天然", "专业" },
    "保健类目严禁夸大功效，直播话术需提前审核" },
  { "野径户外", CAT_SPORTS, TM_PRICE_TIER_PREMIUM, { "户外", "专业", "耐用" }, NULL },
  { "玉见珠宝", CAT_JEWELRY, TM_PRICE_TIER_LUXURY, { "高端", "国风", "精致" },
    "客单价高，优先考虑粉丝复购率高的主播" },
  { "毛孩子乐园", CAT_PETS, TM_PRICE_TIER_MID, { "萌宠", "天然", "科学喂养" }, NULL },
  { "云裳汉服", CAT_APPAREL, TM_PRICE_TIER_MID, { "国潮", "国风", "年轻" }, NULL },
  { "澜肌研", CAT_BEAUTY, TM_PRICE_TIER_PREMIUM, { "高端", "抗老", "专业测评" },
    "新品抗老精华上市，首选专业测评型达人" },
};

/* Prefixes of further dataset brands (beyond the seeds) and of the other
 * brands cooperations name; the two lists do not overlap, so an invented
 * other brand never shares a name with a dataset brand. */
static const char * const brand_prefixes_own[] = {
  "素言", "岚山", "知禾", "汐语", "拾月", "初木", "南栀", "半夏",
  "青简", "雾岛", "北屿", "听松",
};
static const char * const brand_prefixes_other[] = {
  "悦颜", "沐光", "朵拉", "优选", "森活", "锦年", "橙心", "若水",
  "一方", "小满", "竹里", "清川", "晚晴", "木槿", "星河", "暖阳",
  "云朵", "麦田", "白鹭", "青柠",
};

#define OTHER_BRANDS_PER_CATEGORY 16

static const Word nick_surnames[] = {
  { "王", "wang" }, { "李", "li" }, { "张", "zhang" }, { "刘", "liu" },
  { "陈", "chen" }, { "杨", "yang" }, { "赵", "zhao" }, { "黄", "huang" },
  { "周", "zhou" }, { "吴", "wu" }, { "徐", "xu" }, { "孙", "sun" },
  { "胡", "hu" }, { "朱", "zhu" }, { "高", "gao" }, { "林", "lin" },
  { "何", "he" }, { "郭", "guo" }, { "马", "ma" }, { "罗", "luo" },
  { "梁", "liang" }, { "宋", "song" }, { "郑", "zheng" }, { "谢", "xie" },
  { "韩", "han" }, { "唐", "tang" }, { "冯", "feng" }, { "于", "yu" },
  { "董", "dong" }, { "萧", "xiao" }, { "程", "cheng" }, { "曹", "cao" },
  { "袁", "yuan" }, { "邓", "deng" }, { "许", "xu" }, { "傅", "fu" },
  { "沈", "shen" }, { "曾", "zeng" }, { "彭", "peng" }, { "吕", "lv" },
};
static const Word nick_before[] = {
  { "老", "lao" }, { "小", "xiao" }, { "阿", "a" }, { "大", "da" },
};
static const Word nick_after[] = {
  { "姐", "jie" }, { "哥", "ge" }, { "妈妈", "mama" }, { "爸爸", "baba" },
  { "老师", "laoshi" }, { "师傅", "shifu" }, { "叔", "shu" }, { "阿姨", "ayi" },
  { "妹", "mei" }, { "同学", "tongxue" }, { "大叔", "dashu" }, { "小姐姐", "xiaojiejie" },
};
static const Word nick_whole[] = {
  { "小鹿", "xiaolu" }, { "阿杰", "ajie" }, { "糖糖", "tangtang" },
  { "大熊", "daxiong" }, { "小雨", "xiaoyu" }, { "阿珍", "azhen" },
  { "橙子", "chengzi" }, { "七七", "qiqi" }, { "木子", "muzi" },
  { "小北", "xiaobei" }, { "安安", "anan" }, { "阿宝", "abao" },
  { "豆豆", "doudou" }, { "米粒", "mili" }, { "晴天", "qingtian" },
  { "小艾", "xiaoai" }, { "阿凯", "akai" }, { "朵朵", "duoduo" },
  { "果果", "guoguo" }, { "小满", "xiaoman" }, { "阿飞", "afei" },
  { "婷婷", "tingting" }, { "兔子", "tuzi" }, { "柚子", "youzi" },
  { "桃子", "taozi" }, { "栗子", "lizi" }, { "小鱼", "xiaoyu" },
  { "猫姐", "maojie" }, { "一一", "yiyi" }, { "乐乐", "lele" },
  { "小番茄", "xiaofanqie" }, { "胖虎", "panghu" }, { "甜甜", "tiantian" },
  { "阿南", "anan" }, { "小葵", "xiaokui" }, { "大橘", "daju" },
  { "芒果", "mangguo" }, { "小六", "xiaoliu" }, { "阿楠", "anan" },
  { "西西", "xixi" }, { "可乐", "kele" }, { "奶茶", "naicha" },
  { "小米粥", "xiaomizhou" }, { "阿月", "ayue" }, { "小乔", "xiaoqiao" },
  { "丸子", "wanzi" }, { "布丁", "buding" }, { "阿土", "atu" },
  { "大鹏", "dapeng" }, { "小夏", "xiaoxia" }, { "冬冬", "dongdong" },
  { "阿青", "aqing" }, { "菲菲", "feifei" }, { "小白", "xiaobai" },
  { "老K", "laok" }, { "团团", "tuantuan" },
};
static const Word name_endings[] = {
  { "严选", "yanxuan" }, { "好物", "haowu" }, { "精选", "jingxuan" },
  { "推荐官", "tuijianguan" }, { "的小店", "dexiaodian" }, { "姐姐", "jiejie" },
  { "优选", "youxuan" }, { "直播间", "zhibojian" }, { "种草机", "zhongcaoji" },
  { "的好物分享", "dehaowufenxiang" }, { "爱分享", "aifenxiang" }, { "酱", "jiang" },
  { "呀", "ya" }, { "在路上", "zailushang" }, { "工作室", "gongzuoshi" },
  { "的宝藏清单", "debaozangqingdan" }, { "带你逛", "dainiguang" },
};

/* Cooperation notes by outcome; some only make sense for one format. */
typedef struct {
  const char *text;
  int         format;   /* a TmFormat, or -1 for both */
} Note;

static const Note coop_notes_good[] = {
  { "首场合作，转化超预期", -1 },
  { "复购率高，计划长期合作", -1 },
  { "主播讲解专业，粉丝互动积极", TM_FORMAT_LIVE },
  { "返场加播，库存提前售罄", TM_FORMAT_LIVE },
  { "短视频种草效果好，带动店铺自然流量", TM_FORMAT_SHORT_VIDEO },
  { "老粉下单踊跃，客单价高于预期", -1 },
};
static const Note coop_notes_bad[] = {
  { "退货率偏高，需复盘选品与话术", -1 },
  { "售后投诉较多，客服压力大", -1 },
  { "流量不及预期，坑位费性价比低", -1 },
  { "直播中卖点讲错，已补发说明", TM_FORMAT_LIVE },
  { "视频评论区负面反馈较多", TM_FORMAT_SHORT_VIDEO },
};
static const Note coop_notes_neutral[] = {
  { "大促期间合作，数据受平台活动影响", -1 },
  { "新品首发，按纯佣结算", -1 },
  { "临时调整排期，改为短视频合作", TM_FORMAT_SHORT_VIDEO },
  { "与品牌联合抽奖，拉新效果一般", TM_FORMAT_LIVE },
  { "平销期合作，数据平稳", -1 },
};

static const char * const incident_templates[TM_N_INCIDENT_KINDS][4] = {
  [TM_INCIDENT_FALSE_ADVERTISING] = {
    "直播中宣称{p}“{c}”，与实际效果不符，被消费者举报",
    "短视频中夸大宣传{p}，称“{c}”，被平台判定为虚假宣传",
    "以“{c}”为卖点推广{p}，相关说法缺乏依据，被市场监管部门约谈",
    "直播间标注的{p}原价虚高，“限时折扣”涉嫌价格误导",
  },
  [TM_INCIDENT_PRODUCT_QUALITY] = {
    "推荐的{p}被多名消费者反映存在质量问题，平台抽检不合格",
    "所售{p}实物与样品不一致，引发集中退货",
    "{p}收货后出现破损、异味等问题，{n}名消费者投诉",
    "合作品牌的{p}被检出标签信息不符，已下架",
  },
  [TM_INCIDENT_REVIEW_FRAUD] = {
    "平台检测到组织刷好评，涉及约{n}条评价，已被清除",
    "评论区出现大量模板化好评，疑似雇佣水军",
    "以返现诱导买家给{p}写五星好评，被平台处罚",
    "差评被批量隐藏，消费者质疑评价真实性",
  },
  [TM_INCIDENT_DATA_FRAUD] = {
    "直播间在线人数疑似刷量，第三方监测显示峰值异常",
    "对外宣传的单场销售额与后台数据严重不符",
    "粉丝数短期异常增长约{n}人，疑似购买僵尸粉",
    "虚报{p}销量，被合作品牌核查发现",
  },
  [TM_INCIDENT_CONDUCT] = {
    "直播中言语不当引发争议，相关片段在社交媒体传播",
    "与粉丝在评论区发生冲突，被平台警告",
    "直播中违规引导私下交易，被平台限流",
    "未按约定时间开播，临时取消合作场次",
  },
  [TM_INCIDENT_UNRESOLVED_DISPUTE] = {
    "与品牌方就坑位费退还产生纠纷，尚未达成一致",
    "消费者就{p}售后问题集体维权，协商未果",
    "与合作品牌就销售数据核对存在争议，款项暂未结清",
    "{n}名消费者要求“退一赔三”，双方仍在协商",
  },
};

static const char * const incident_resolutions[TM_N_INCIDENT_KINDS][2] = {
  [TM_INCIDENT_FALSE_ADVERTISING] = {
    "已下架相关视频并整改宣传话术，平台扣除信用分",
    "公开致歉，为受影响订单全额退款",
  },
  [TM_INCIDENT_PRODUCT_QUALITY] = {
    "品牌召回问题批次，主播协助完成退换货",
    "已全额退款并补偿优惠券",
  },
  [TM_INCIDENT_REVIEW_FRAUD] = {
    "平台清除虚假评价，账号限流7天",
    "主播承认问题并公开致歉，承诺不再刷评",
  },
  [TM_INCIDENT_DATA_FRAUD] = {
    "平台处罚并公示，主播承诺不再刷量",
    "向合作品牌退还部分坑位费",
  },
  [TM_INCIDENT_CONDUCT] = {
    "主播公开致歉，暂停直播一周",
    "平台警告后已整改，未再发生",
  },
  [TM_INCIDENT_UNRESOLVED_DISPUTE] = {
    "经平台调解，双方达成和解",
    "双方协商一致，按比例退还费用",
  },
};

static const guint incident_kind_weights[TM_N_INCIDENT_KINDS] = {
  [TM_INCIDENT_FALSE_ADVERTISING] = 24,
  [TM_INCIDENT_PRODUCT_QUALITY] = 24,
  [TM_INCIDENT_REVIEW_FRAUD] = 12,
  [TM_INCIDENT_DATA_FRAUD] = 10,
  [TM_INCIDENT_CONDUCT] = 14,
  [TM_INCIDENT_UNRESOLVED_DISPUTE] = 16,
};

/* ---- Platforms -------------------------------------------------------- */

typedef struct {
  guint main_weight;       /* share of streamers whose main account it is */
  guint region[TM_N_REGIONS];
  guint credit_scale;      /* 5, 10 or 100 */
  guint credit_decimals;   /* 1 or 0 */
  guint live_permille;     /* share of live sessions among cooperations */
  const char *separator;   /* in handles */
} PlatformInfo;

static const PlatformInfo platform_info[TM_N_PLATFORMS] = {
  [TM_PLATFORM_DOUYIN]      = { 400, { 14, 22, 24, 21, 19 }, 5, 1, 780, "" },
  [TM_PLATFORM_KUAISHOU]    = { 200, { 8, 16, 22, 26, 28 }, 100, 0, 820, "_" },
  [TM_PLATFORM_TAOBAO]      = { 150, { 17, 24, 24, 19, 16 }, 5, 1, 900, "_" },
  [TM_PLATFORM_XIAOHONGSHU] = { 100, { 28, 28, 22, 13, 9 }, 5, 1, 450, "." },
  [TM_PLATFORM_CHANNELS]    = { 70, { 10, 18, 24, 24, 24 }, 100, 0, 750, "" },
  [TM_PLATFORM_BILIBILI]    = { 50, { 24, 28, 24, 14, 10 }, 100, 0, 400, "_" },
  [TM_PLATFORM_JD]          = { 30, { 22, 26, 24, 16, 12 }, 10, 1, 850, "-" },
};

static const guint tier_region[TM_N_PRICE_TIERS][TM_N_REGIONS] = {
  [TM_PRICE_TIER_BUDGET]  = { 8, 16, 24, 26, 26 },
  [TM_PRICE_TIER_MID]     = { 15, 22, 24, 21, 18 },
  [TM_PRICE_TIER_PREMIUM] = { 26, 27, 23, 14, 10 },
  [TM_PRICE_TIER_LUXURY]  = { 36, 30, 20, 9, 5 },
};

/* Price factor of a tier, percent of the category's mid price. */
static const guint tier_price_percent[TM_N_PRICE_TIERS] = { 55, 100, 220, 600 };

/* ---- Generator state -------------------------------------------------- */

#define MAX_ACCOUNTS 3
#define MAX_CATEGORIES 3
#define N_WORST 3

typedef struct {
  guint   quality;                 /* hidden, 0–1000 */
  guint   n_categories;
  guint   categories[MAX_CATEGORIES];
  guint   n_accounts;
  TmPlatform platforms[MAX_ACCOUNTS];
  gint64  followers_milli[MAX_ACCOUNTS];  /* log10 followers × 1000 */
  gint64  engagement;              /* 1/10000 */
  gint64  fake_share;              /* 1/10000 */
  gint64  price_low_fen;
  gint64  price_high_fen;
  int     favorite_brand;          /* -1 none */
  int     first_incident;          /* index into the incident arrays, -1 none */
} StreamerInfo;

typedef struct {
  guint  category;
  gint64 price_fen;
  /* The streamers whose cooperations with this brand went worst; the
   * blacklist is drawn from them. */
  guint  worst_streamer[N_WORST];
  gint64 worst_score[N_WORST];
  guint  n_worst;
} BrandInfo;

typedef struct {
  TmDate date;
  guint  streamer;
  guint  kind;
  guint  order;
} IncidentDraft;

typedef struct {
  const TmGeneratorOptions *options;
  TmDataset    *dataset;
  TmDate        first_day;         /* first day of the history window */
  guint         n_brands;
  BrandInfo    *brands;
  GArray       *category_brands[N_CATEGORIES];  /* guint brand indexes */
  char         *other_brand_names[N_CATEGORIES][OTHER_BRANDS_PER_CATEGORY];
  StreamerInfo *streamers;
  int           streamer_id_width;
  /* Incidents by streamer, latest first, for the cooperations that follow. */
  TmDate       *incident_date;
  guint        *incident_severity;
  int          *incident_next;
} Generator;

static void
add_style_tag (GArray     *tags,
               const char *tag,
               gint64      weight_percent)
{
  TmStyleTag t;

  for (guint i = 0; i < tags->len; i++)
    if (g_str_equal (g_array_index (tags, TmStyleTag, i).tag, tag))
      return;
  t.tag = g_strdup (tag);
  t.weight = (double) clamp64 (weight_percent, 1, 100) / 100;
  g_array_append_val (tags, t);
}

static void
add_figure_provenance (GArray     *array,
                       const char *field,
                       TmSource    source,
                       TmDate      observed,
                       TmBasis     basis)
{
  TmFigureProvenance fp;

  fp.field = g_strdup (field);
  fp.provenance.source = source;
  fp.provenance.observed = observed;
  fp.provenance.basis = basis;
  g_array_append_val (array, fp);
}

/* Age and gender from category profiles (weighted), region from a
 * profile; each perturbed by ±@jitter percent. */
static void
make_audience (Rng          *rng,
               TmAudience   *audience,
               const guint  *cats,
               const guint  *cat_weights,
               guint         n_cats,
               const guint  *region,
               guint         jitter)
{
  gint64 age[TM_N_AGES] = { 0 };
  gint64 regions[TM_N_REGIONS];
  gint64 female = 0, total_weight = 0;

  for (guint c = 0; c < n_cats; c++)
    {
      const Category *cat = &categories[cats[c]];

      for (guint a = 0; a < TM_N_AGES; a++)
        age[a] += (gint64) cat->age[a] * cat_weights[c];
      female += (gint64) cat->female * cat_weights[c];
      total_weight += cat_weights[c];
    }
  for (guint a = 0; a < TM_N_AGES; a++)
    age[a] = age[a] * rng_range (rng, 100 - jitter, 100 + jitter);
  for (guint r = 0; r < TM_N_REGIONS; r++)
    regions[r] = (gint64) region[r] * rng_range (rng, 100 - jitter, 100 + jitter);

  /* Female share in 1/10000; the male share is the rest, so both sum to 1. */
  female = female * 100 / MAX (total_weight, 1) + rng_normal (rng, (gint64) jitter * 60);
  female = clamp64 (female, 800, 9600);

  audience->present = TRUE;
  normalize_shares (age, TM_N_AGES, audience->age);
  audience->gender[TM_GENDER_FEMALE] = share (female);
  audience->gender[TM_GENDER_MALE] = share (10000 - female);
  normalize_shares (regions, TM_N_REGIONS, audience->region);
}

/* Typical order price of a category at a tier, ending in 9 yuan. */
static gint64
order_price_fen (Rng         *rng,
                 guint        category,
                 TmPriceTier  tier)
{
  gint64 yuan = (gint64) categories[category].price_yuan * tier_price_percent[tier] / 100;

  yuan = yuan * rng_range (rng, 85, 115) / 100;
  yuan = (yuan / 10) * 10 + 9;
  return yuan * 100;
}

/* ---- Brands ----------------------------------------------------------- */

static void
generate_other_brand_names (Generator *gen,
                            Rng       *rng)
{
  guint offset = rng_below (rng, G_N_ELEMENTS (brand_prefixes_other));

  for (guint c = 0; c < N_CATEGORIES; c++)
    for (guint j = 0; j < OTHER_BRANDS_PER_CATEGORY; j++)
      {
        /* Distinct prefixes within a category, distinct suffix sets
         * between categories: no two invented brands share a name. */
        const char *prefix = brand_prefixes_other[(offset + c * 7 + j) % G_N_ELEMENTS (brand_prefixes_other)];
        const char *suffix = categories[c].brand_suffixes[(j + c) % 4];

        gen->other_brand_names[c][j] = g_strconcat (prefix, suffix, NULL);
      }
}

static void
generate_brands (Generator *gen,
                 Rng       *rng)
{
  const TmGeneratorOptions *opt = gen->options;
  int width = MAX (3, n_digits (gen->n_brands));

  for (guint c = 0; c < N_CATEGORIES; c++)
    gen->category_brands[c] = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < gen->n_brands; i++)
    {
      TmBrand *brand = tm_brand_new ();
      BrandInfo *info = &gen->brands[i];
      const BrandSeed *seed = NULL;
      guint cat;
      guint cat_weight = 1;

      brand->id = make_id ('b', i + 1, width);
      if (i < G_N_ELEMENTS (brand_seeds))
        {
          seed = &brand_seeds[i];
          cat = seed->category;
          brand->name = g_strdup (seed->name);
          brand->price_tier = seed->tier;
          brand->notes = g_strdup (seed->notes);
        }
      else
        {
          guint round = (i - G_N_ELEMENTS (brand_seeds)) / N_STREAMER_CATEGORIES;
          const char *prefix;

          cat = (i - G_N_ELEMENTS (brand_seeds)) % N_STREAMER_CATEGORIES;
          prefix = brand_prefixes_own[round % G_N_ELEMENTS (brand_prefixes_own)];
          if (round < G_N_ELEMENTS (brand_prefixes_own))
            brand->name = g_strconcat (prefix, categories[cat].brand_suffixes[round % 4], NULL);
          else
            brand->name = g_strdup_printf ("%s%s%u", prefix, categories[cat].brand_suffixes[round % 4],
                                           round / (guint) G_N_ELEMENTS (brand_prefixes_own) + 1);
          brand->price_tier = rng_weighted (rng, (const guint[]) { 25, 45, 22, 8 }, TM_N_PRICE_TIERS);
        }

      brand->category = g_strdup (categories[cat].code);
      info->category = cat;
      g_array_append_val (gen->category_brands[cat], i);

      /* Style tags: the seed's (or three of the category's) with falling
       * weights, sometimes one more from the category. */
      for (guint t = 0; t < 3; t++)
        {
          const char *tag = seed ? seed->tags[t] : categories[cat].tags[rng_below (rng, 8)];
          add_style_tag (brand->style_tags, tag, 100 - t * 20 - rng_range (rng, 0, 12));
        }
      if (rng_chance (rng, 300))
        add_style_tag (brand->style_tags, categories[cat].tags[rng_below (rng, 8)], rng_range (rng, 25, 45));

      make_audience (rng, &brand->audience, &cat, &cat_weight, 1,
                     tier_region[brand->price_tier], 12);

      brand->typical_order_price_fen = order_price_fen (rng, cat, brand->price_tier);
      info->price_fen = brand->typical_order_price_fen;

      if (rng_chance (rng, 150))
        brand->budget_fen = TM_UNKNOWN_INT;
      else
        {
          static const gint64 budget_lo[TM_N_PRICE_TIERS] = { 20, 50, 100, 200 };
          static const gint64 budget_hi[TM_N_PRICE_TIERS] = { 100, 300, 800, 1000 };
          /* In units of ¥10,000. */
          brand->budget_fen = rng_range (rng, budget_lo[brand->price_tier], budget_hi[brand->price_tier])
                              * 10000 * 100;
        }

      if (rng_chance (rng, 600))
        brand->min_credit_score = (double) rng_range (rng, 70, 85);

      brand->provenance.source = TM_SOURCE_MANUAL;
      brand->provenance.observed = opt->today - (TmDate) rng_range (rng, 1, 30);
      brand->provenance.basis = TM_BASIS_OBSERVED;

      g_ptr_array_add (gen->dataset->brands, brand);
    }

  /* Competitors: another dataset brand of the same category, or else an
   * invented brand of that category by name. */
  for (guint i = 0; i < gen->n_brands; i++)
    {
      TmBrand *brand = g_ptr_array_index (gen->dataset->brands, i);
      GArray *same = gen->category_brands[gen->brands[i].category];
      gboolean exclusive = FALSE;

      if (same->len > 1 && rng_chance (rng, 700))
        {
          for (guint j = 0; j < same->len; j++)
            {
              guint other = g_array_index (same, guint, j);
              if (other != i)
                {
                  g_ptr_array_add (brand->competitor_brands,
                                   g_strdup (((TmBrand *) g_ptr_array_index (gen->dataset->brands, other))->id));
                  break;
                }
            }
          exclusive = TRUE;
        }
      else if (rng_chance (rng, 300))
        {
          g_ptr_array_add (brand->competitor_brands,
                           g_strdup (gen->other_brand_names[gen->brands[i].category][rng_below (rng, 4)]));
          exclusive = TRUE;
        }
      if (rng_chance (rng, 250))
        {
          g_ptr_array_add (brand->competitor_categories, g_strdup (brand->category));
          exclusive = TRUE;
        }
      if (exclusive)
        brand->exclusivity_days = (gint32) rng_range (rng, 1, 6) * 30;
    }
}

/* ---- Streamers -------------------------------------------------------- */

static void
compose_name (Rng      *rng,
              guint     category,
              GString  *zh,
              GString  *py)
{
  guint form = rng_below (rng, 100);
  guint ending = rng_below (rng, 100);

  g_string_truncate (zh, 0);
  g_string_truncate (py, 0);

  if (form < 40)
    {
      const Word *w = &nick_whole[rng_below (rng, G_N_ELEMENTS (nick_whole))];
      g_string_append (zh, w->zh);
      g_string_append (py, w->py);
    }
  else if (form < 70)
    {
      const Word *b = &nick_before[rng_below (rng, G_N_ELEMENTS (nick_before))];
      const Word *s = &nick_surnames[rng_below (rng, G_N_ELEMENTS (nick_surnames))];
      g_string_append (zh, b->zh);
      g_string_append (zh, s->zh);
      g_string_append (py, b->py);
      g_string_append (py, s->py);
    }
  else
    {
      const Word *s = &nick_surnames[rng_below (rng, G_N_ELEMENTS (nick_surnames))];
      const Word *a = &nick_after[rng_below (rng, G_N_ELEMENTS (nick_after))];
      g_string_append (zh, s->zh);
      g_string_append (zh, a->zh);
      g_string_append (py, s->py);
      g_string_append (py, a->py);
    }

  /* "小鹿" alone, "老王严选", "阿杰说数码" ... */
  if (ending < 55)
    {
      const Word *t = &categories[category].topics[rng_below (rng, 4)];
      g_string_append (zh, t->zh);
      g_string_append (py, "_");
      g_string_append (py, t->py);
    }
  else if (ending < 85)
    {
      const Word *t = &name_endings[rng_below (rng, G_N_ELEMENTS (name_endings))];
      g_string_append (zh, t->zh);
      g_string_append (py, "_");
      g_string_append (py, t->py);
    }
}

static guint
pick_main_category (Rng *rng)
{
  guint weights[N_STREAMER_CATEGORIES];

  for (guint c = 0; c < N_STREAMER_CATEGORIES; c++)
    weights[c] = categories[c].streamer_weight;
  return rng_weighted (rng, weights, N_STREAMER_CATEGORIES);
}

/* A quantity on the platform's credit scale from a fraction in 1/1000. */
static void
set_credit (TmStreamer *streamer,
            gint64      permille)
{
  const PlatformInfo *p = &platform_info[streamer->credit_platform];

  streamer->credit_scale = p->credit_scale;
  if (p->credit_decimals == 1)
    {
      gint64 tenths = (permille * p->credit_scale + 50) / 100;
      streamer->credit_score = (double) tenths / 10;
    }
  else
    streamer->credit_score = (double) ((permille * p->credit_scale + 500) / 1000);
}

static void
generate_streamers (Generator *gen,
                    Rng       *rng)
{
  const TmGeneratorOptions *opt = gen->options;
  g_autoptr(GString) zh = g_string_new (NULL);
  g_autoptr(GString) py = g_string_new (NULL);
  guint handle_digits = MAX (4, n_digits (opt->n_streamers));
  guint64 handle_mod = 1;
  guint64 handle_offset;

  for (guint i = 0; i < handle_digits; i++)
    handle_mod *= 10;
  handle_offset = rng_below64 (rng, handle_mod);
  gen->streamer_id_width = MAX (6, n_digits (opt->n_streamers));

  for (guint i = 0; i < opt->n_streamers; i++)
    {
      TmStreamer *s = tm_streamer_new ();
      StreamerInfo *info = &gen->streamers[i];
      guint cat_weights[MAX_CATEGORIES] = { 4, 2, 1 };
      guint platform_weights[TM_N_PLATFORMS];
      gint64 q, credit, reviews, negative, low, high, tier_percent;
      guint roll, n_tags;
      TmDate observed;
      /* Unique per streamer: 7919 is prime to 10, so idx ↦ number is a
       * bijection modulo 10^digits. */
      guint64 number = ((guint64) i * 7919 + handle_offset) % handle_mod;

      s->id = make_id ('s', i + 1, gen->streamer_id_width);

      /* Hidden quality: most streamers decent, a tail of bad actors. */
      if (rng_chance (rng, 60))
        q = rng_range (rng, 40, 320);
      else
        q = 640 + rng_normal (rng, 150);
      info->quality = (guint) clamp64 (q, 20, 990);
      q = info->quality;

      /* Categories: a main one, sometimes one or two more. */
      info->categories[0] = pick_main_category (rng);
      info->n_categories = 1;
      roll = rng_below (rng, 100);
      for (guint want = roll < 55 ? 1 : roll < 88 ? 2 : 3; info->n_categories < want; )
        {
          guint c = pick_main_category (rng);
          gboolean dup = FALSE;

          for (guint k = 0; k < info->n_categories; k++)
            dup |= info->categories[k] == c;
          if (!dup)
            info->categories[info->n_categories++] = c;
        }
      for (guint k = 0; k < info->n_categories; k++)
        g_ptr_array_add (s->categories, g_strdup (categories[info->categories[k]].code));

      compose_name (rng, info->categories[0], zh, py);
      s->name = g_strdup (zh->str);

      /* Accounts on 1–3 platforms; the main one has the most followers. */
      for (guint p = 0; p < TM_N_PLATFORMS; p++)
        platform_weights[p] = platform_info[p].main_weight;
      if (info->categories[0] == CAT_DIGITAL)
        {
          platform_weights[TM_PLATFORM_BILIBILI] *= 4;
          platform_weights[TM_PLATFORM_JD] *= 4;
        }
      else if (info->categories[0] == CAT_BEAUTY || info->categories[0] == CAT_APPAREL)
        platform_weights[TM_PLATFORM_XIAOHONGSHU] *= 2;
      roll = rng_below (rng, 100);
      info->n_accounts = roll < 50 ? 1 : roll < 85 ? 2 : 3;
      for (guint a = 0; a < info->n_accounts; a++)
        {
          TmAccount account;
          TmPlatform p = rng_weighted (rng, platform_weights, TM_N_PLATFORMS);
          gint64 milli;

          platform_weights[p] = 0;
          if (a == 0)
            {
              /* Most 10k–500k, a few millions, rare 10M+. */
              roll = rng_below (rng, 1000);
              if (roll < 870)
                milli = rng_range (rng, 4000, 5700);
              else if (roll < 985)
                milli = rng_range (rng, 5700, 6700);
              else if (roll < 997)
                milli = rng_range (rng, 6700, 7000);
              else
                milli = rng_range (rng, 7000, 7600);
            }
          else
            milli = max64 (3000, info->followers_milli[0] - rng_range (rng, 200, 1300));

          info->platforms[a] = p;
          info->followers_milli[a] = milli;
          account.platform = p;
          account.followers = pow10_milli (milli);
          account.handle = g_strdup_printf ("%s%s%0*" G_GUINT64_FORMAT,
                                            py->str, platform_info[p].separator,
                                            (int) handle_digits, number);
          g_array_append_val (s->accounts, account);
        }

      /* Style tags: 1–3 of the categories', 0–2 generic; 2–5 in all. */
      n_tags = (guint) rng_range (rng, 1, 3);
      for (guint t = 0; t < n_tags; t++)
        {
          guint c = info->categories[rng_below (rng, info->n_categories)];
          add_style_tag (s->style_tags, categories[c].tags[rng_below (rng, 8)],
                         rng_range (rng, 55, 100));
        }
      n_tags = (guint) rng_range (rng, s->style_tags->len < 2 ? 1 : 0, 2);
      for (guint t = 0; t < n_tags; t++)
        add_style_tag (s->style_tags, generic_tags[rng_below (rng, G_N_ELEMENTS (generic_tags))],
                       rng_range (rng, 30, 80));
      if (s->style_tags->len < 2)
        add_style_tag (s->style_tags, categories[info->categories[0]].tags[0], rng_range (rng, 40, 70));

      make_audience (rng, &s->audience, info->categories, cat_weights, info->n_categories,
                     platform_info[info->platforms[0]].region, 18);

      /* Credit on the main platform's scale: 72–98 % of it, by quality. */
      s->credit_platform = info->platforms[0];
      credit = 720 + q * 26 / 100 + rng_normal (rng, 25);
      set_credit (s, clamp64 (credit, 500, 1000));

      if (q < 200 && rng_chance (rng, 300))
        s->verification = TM_VERIFICATION_SUSPENDED;
      else
        s->verification = rng_weighted (rng, (const guint[]) { 7, 5, 88, 0 }, TM_N_VERIFICATIONS);

      /* Smaller accounts engage more; fake followers do not engage. */
      info->engagement = 600 - (info->followers_milli[0] - 4000) / 8;
      info->engagement = info->engagement * (500 + q) / 1000 + rng_normal (rng, 110);
      info->engagement = clamp64 (info->engagement, 50, 1200);
      s->engagement_rate = share (info->engagement);

      s->avg_live_viewers = pow10_milli (info->followers_milli[0]) * info->engagement / 10000
                            * rng_range (rng, 15, 45) / 100;

      /* Fake reviews: low for most, a few suspicious streamers high. */
      if (q < 350 && rng_chance (rng, 350))
        info->fake_share = rng_range (rng, 1800, 3000);
      else
        info->fake_share = clamp64 ((1000 - q) * 6 / 10 + rng_normal (rng, 150), 0, 1500);
      s->fake_review_share = share (info->fake_share);

      reviews = pow10_milli (info->followers_milli[0]) * rng_range (rng, 10, 60) / 1000;
      negative = clamp64 (200 + (1000 - q) * 18 / 10 + rng_normal (rng, 200), 50, 3000);
      s->reviews_negative = reviews * negative / 10000;
      s->reviews_positive = reviews - s->reviews_negative;

      s->dispute_resolution_rate = share (clamp64 (6000 + q * 38 / 10 + rng_normal (rng, 300), 3500, 9990));
      s->repeat_buyer_rate = share (clamp64 (500 + q * 45 / 10 + rng_normal (rng, 400), 300, 6500));

      tier_percent = tier_price_percent[rng_weighted (rng, (const guint[]) { 25, 50, 20, 5 }, TM_N_PRICE_TIERS)];
      low = (gint64) categories[info->categories[0]].price_yuan * tier_percent * rng_range (rng, 20, 50) / 10000;
      high = (gint64) categories[info->categories[0]].price_yuan * tier_percent * rng_range (rng, 150, 400) / 10000;
      info->price_low_fen = MAX (low, 5) * 100;
      info->price_high_fen = MAX (high, low + 10) * 100;
      s->price_low_fen = info->price_low_fen;
      s->price_high_fen = info->price_high_fen;

      info->favorite_brand = -1;
      if (gen->category_brands[info->categories[0]]->len > 0 && rng_chance (rng, 500))
        {
          GArray *same = gen->category_brands[info->categories[0]];
          info->favorite_brand = (int) g_array_index (same, guint, rng_below (rng, same->len));
        }
      info->first_incident = -1;

      observed = opt->today - (TmDate) rng_range (rng, 3, 75);
      s->provenance.source = TM_SOURCE_PLATFORM;
      s->provenance.observed = observed;
      s->provenance.basis = TM_BASIS_OBSERVED;
      add_figure_provenance (s->figure_provenance, "engagement_rate",
                             TM_SOURCE_EXPORT, observed, TM_BASIS_MEASURED);
      add_figure_provenance (s->figure_provenance, "reviews.fake_share",
                             TM_SOURCE_MANUAL, opt->today - (TmDate) rng_range (rng, 5, 90),
                             TM_BASIS_ESTIMATED);

      g_ptr_array_add (gen->dataset->streamers, s);
    }
}

/* ---- Sampling helpers ------------------------------------------------- */

/* Walker's alias table: picks index i with probability weight[i] / total
 * in O(1), which matters for a million picks among 100k streamers.  Built
 * in integers (Vose's method), so it is the same on every machine. */
typedef struct {
  gint64 threshold;   /* out of the total weight */
  guint  alias;
} AliasEntry;

typedef struct {
  AliasEntry *entries;
  guint       n;
  gint64      total;
} AliasTable;

static void
alias_table_init (AliasTable   *table,
                  const gint64 *weights,
                  guint         n)
{
  g_autofree gint64 *scaled = g_new (gint64, n);
  g_autofree guint *small = g_new (guint, n);
  g_autofree guint *large = g_new (guint, n);
  guint n_small = 0, n_large = 0;

  g_assert (n > 0);

  table->entries = g_new (AliasEntry, n);
  table->n = n;
  table->total = 0;
  for (guint i = 0; i < n; i++)
    table->total += weights[i];

  /* Each column holds total/n of weight: its own share up to the
   * threshold, the alias's above it. */
  for (guint i = 0; i < n; i++)
    {
      scaled[i] = weights[i] * (gint64) n;
      if (scaled[i] < table->total)
        small[n_small++] = i;
      else
        large[n_large++] = i;
    }
  while (n_small > 0 && n_large > 0)
    {
      guint s = small[--n_small];
      guint l = large[--n_large];

      table->entries[s].threshold = scaled[s];
      table->entries[s].alias = l;
      scaled[l] -= table->total - scaled[s];
      if (scaled[l] < table->total)
        small[n_small++] = l;
      else
        large[n_large++] = l;
    }
  while (n_large > 0)
    {
      guint l = large[--n_large];
      table->entries[l].threshold = table->total;
      table->entries[l].alias = l;
    }
  while (n_small > 0)
    {
      guint s = small[--n_small];
      table->entries[s].threshold = table->total;
      table->entries[s].alias = s;
    }
}

static guint
alias_table_pick (const AliasTable *table,
                  Rng              *rng)
{
  guint column = rng_below (rng, table->n);
  const AliasEntry *entry = &table->entries[column];

  if ((gint64) rng_below64 (rng, (guint64) table->total) < entry->threshold)
    return column;
  return entry->alias;
}

static void
alias_table_clear (AliasTable *table)
{
  g_clear_pointer (&table->entries, g_free);
}

/* A date in the history window; recent years are a bit denser. */
static TmDate
pick_date (Generator *gen,
           Rng       *rng)
{
  guint days = MAX (gen->options->history_days, 1);
  guint d = rng_below (rng, days);

  if (rng_chance (rng, 400))
    d = (guint) max64 (d, rng_below (rng, days));
  return gen->first_day + (TmDate) d;
}

/* ---- Incidents -------------------------------------------------------- */

static char *
fill_template (const char *template,
               const char *product,
               const char *claim,
               gint64      number)
{
  GString *s = g_string_new (template);
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, number);
  g_string_replace (s, "{p}", product, 0);
  g_string_replace (s, "{c}", claim, 0);
  g_string_replace (s, "{n}", buf, 0);
  return g_string_free (s, FALSE);
}

static int
compare_incident_drafts (gconstpointer a,
                         gconstpointer b)
{
  const IncidentDraft *x = a, *y = b;

  if (x->date != y->date)
    return x->date < y->date ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order ? 1 : 0;
}

static void
generate_incidents (Generator *gen,
                    Rng       *rng)
{
  const TmGeneratorOptions *opt = gen->options;
  guint n = opt->n_streamers > 0 ? opt->n_incidents : 0;
  g_autoptr(GArray) drafts = g_array_sized_new (FALSE, FALSE, sizeof (IncidentDraft), n);
  g_autofree gint64 *weights = NULL;
  AliasTable picker;
  int width = MAX (5, n_digits (n));

  gen->incident_date = g_new (TmDate, MAX (n, 1));
  gen->incident_severity = g_new (guint, MAX (n, 1));
  gen->incident_next = g_new (int, MAX (n, 1));
  if (n == 0)
    return;

  /* Low quality and larger reach make an incident more likely. */
  weights = g_new (gint64, opt->n_streamers);
  for (guint i = 0; i < opt->n_streamers; i++)
    {
      const StreamerInfo *info = &gen->streamers[i];
      gint64 bad = 1050 - info->quality;
      gint64 w = bad * bad / 100 * (1000 + (info->followers_milli[0] - 4000) / 4) / 1000;

      weights[i] = MAX (w, 1);
    }
  alias_table_init (&picker, weights, opt->n_streamers);

  for (guint i = 0; i < n; i++)
    {
      IncidentDraft draft;
      guint kind_weights[TM_N_INCIDENT_KINDS];

      draft.streamer = alias_table_pick (&picker, rng);
      draft.date = pick_date (gen, rng);
      draft.order = i;
      memcpy (kind_weights, incident_kind_weights, sizeof kind_weights);
      if (gen->streamers[draft.streamer].fake_share >= 1800)
        {
          kind_weights[TM_INCIDENT_REVIEW_FRAUD] *= 2;
          kind_weights[TM_INCIDENT_DATA_FRAUD] = kind_weights[TM_INCIDENT_DATA_FRAUD] * 3 / 2;
        }
      /* Every kind appears at least once when there is room for all. */
      draft.kind = i < TM_N_INCIDENT_KINDS && n >= TM_N_INCIDENT_KINDS
                   ? i : rng_weighted (rng, kind_weights, TM_N_INCIDENT_KINDS);
      g_array_append_val (drafts, draft);
    }
  alias_table_clear (&picker);
  g_array_sort (drafts, compare_incident_drafts);

  for (guint i = 0; i < n; i++)
    {
      const IncidentDraft *draft = &g_array_index (drafts, IncidentDraft, i);
      StreamerInfo *info = &gen->streamers[draft->streamer];
      const Category *cat = &categories[info->categories[0]];
      TmIncident *incident = tm_incident_new ();
      gint64 roll;
      guint resolve_permille, product;

      incident->id = make_id ('i', i + 1, width);
      incident->streamer_id = g_strdup (((TmStreamer *) g_ptr_array_index (gen->dataset->streamers,
                                                                           draft->streamer))->id);
      incident->date = draft->date;
      incident->kind = draft->kind;

      /* Severity 1–5, few 5s, worse for low-quality streamers. */
      roll = clamp64 (rng_below (rng, 1000) + (500 - (gint64) info->quality) / 3, 0, 999);
      incident->severity = roll < 300 ? 1 : roll < 600 ? 2 : roll < 820 ? 3 : roll < 960 ? 4 : 5;
      if ((draft->kind == TM_INCIDENT_REVIEW_FRAUD || draft->kind == TM_INCIDENT_DATA_FRAUD)
          && incident->severity < 2)
        incident->severity = 2;

      product = rng_below (rng, 4);
      incident->description = fill_template (incident_templates[draft->kind][rng_below (rng, 4)],
                                             cat->products[product],
                                             cat->claims[product],
                                             rng_range (rng, 2, 9) * (draft->kind == TM_INCIDENT_DATA_FRAUD ? 10000
                                                                      : draft->kind == TM_INCIDENT_REVIEW_FRAUD ? 100
                                                                      : 10));

      /* Older and milder incidents are more often resolved. */
      resolve_permille = 820 - (guint) incident->severity * 70;
      if (opt->today - draft->date > 180)
        resolve_permille += 150;
      if (draft->kind == TM_INCIDENT_UNRESOLVED_DISPUTE)
        resolve_permille = 120;
      incident->resolved = rng_chance (rng, resolve_permille);
      if (incident->resolved && rng_chance (rng, 900))
        incident->resolution = g_strdup (incident_resolutions[draft->kind][rng_below (rng, 2)]);

      if (rng_chance (rng, 550))
        {
          int y, m, d;

          tm_date_to_ymd (draft->date, &y, &m, &d);
          incident->source_url = g_strdup_printf ("https://example.com/%s/%04d/%02d/%s",
                                                  rng_chance (rng, 500) ? "news" : "reports",
                                                  y, m, incident->id);
        }

      incident->provenance.source = rng_chance (rng, 500) ? TM_SOURCE_FEED : TM_SOURCE_MANUAL;
      incident->provenance.observed = (TmDate) min64 (opt->today, draft->date + rng_range (rng, 0, 20));
      incident->provenance.basis = TM_BASIS_OBSERVED;

      /* Drafts are in date order, so each streamer's list ends up latest
       * first. */
      gen->incident_date[i] = incident->date;
      gen->incident_severity[i] = (guint) incident->severity;
      gen->incident_next[i] = info->first_incident;
      info->first_incident = (int) i;

      g_ptr_array_add (gen->dataset->incidents, incident);
    }
}

/* ---- Cooperations ----------------------------------------------------- */

/* The most severe incident of the streamer in the 180 days before @date,
 * weighted down as it ages: 0 when none. */
static gint64
incident_shadow (Generator          *gen,
                 const StreamerInfo *info,
                 TmDate              date)
{
  gint64 worst = 0;

  for (int k = info->first_incident; k >= 0; k = gen->incident_next[k])
    {
      gint64 age = date - gen->incident_date[k];

      if (age < 0)
        continue;
      if (age > 180)
        break;
      worst = MAX (worst, (gint64) gen->incident_severity[k] * (180 - age) / 180 * 100);
    }
  return worst;  /* severity × 100 at the day of the incident */
}

static void
note_worst (BrandInfo *brand,
            guint      streamer,
            gint64     score)
{
  guint weakest = 0;

  for (guint k = 0; k < brand->n_worst; k++)
    if (brand->worst_streamer[k] == streamer)
      {
        brand->worst_score[k] = MAX (brand->worst_score[k], score);
        return;
      }
  if (brand->n_worst < N_WORST)
    {
      brand->worst_streamer[brand->n_worst] = streamer;
      brand->worst_score[brand->n_worst] = score;
      brand->n_worst++;
      return;
    }
  for (guint k = 1; k < N_WORST; k++)
    if (brand->worst_score[k] < brand->worst_score[weakest])
      weakest = k;
  if (score > brand->worst_score[weakest])
    {
      brand->worst_streamer[weakest] = streamer;
      brand->worst_score[weakest] = score;
    }
}

static char *
pick_note (Rng        *rng,
           const Note *notes,
           guint       n,
           TmFormat    format)
{
  for (;;)
    {
      const Note *note = &notes[rng_below (rng, n)];

      if (note->format < 0 || note->format == (int) format)
        return g_strdup (note->text);
    }
}

static void
generate_cooperations (Generator *gen,
                       Rng       *rng)
{
  const TmGeneratorOptions *opt = gen->options;
  guint n = opt->n_streamers > 0 ? opt->n_cooperations : 0;
  guint days = MAX (opt->history_days, 1);
  int width = MAX (7, n_digits (n));
  g_autofree gint64 *weights = NULL;
  AliasTable picker;
  g_autofree guint *per_day = NULL;
  g_autofree guint64 *pair_bits = NULL;
  g_autofree gint64 *pair_keys = NULL;
  g_autoptr(GHashTable) pairs = NULL;
  guint index = 0;

  if (n == 0)
    return;

  /* Bigger and better streamers get more cooperations; a few are very
   * active. */
  weights = g_new (gint64, opt->n_streamers);
  for (guint i = 0; i < opt->n_streamers; i++)
    {
      const StreamerInfo *info = &gen->streamers[i];
      gint64 w = rng_range (rng, 100, 500) * (1000 + (info->followers_milli[0] - 4000) * 10 / 14) / 1000;

      w = w * (500 + info->quality) / 1000;
      if (rng_chance (rng, 100))
        w *= 3;
      weights[i] = MAX (w, 1);
    }
  alias_table_init (&picker, weights, opt->n_streamers);
  g_clear_pointer (&weights, g_free);

  /* Dates first, counted per day, so records come out in date order and
   * "first cooperation of this pair" is known when it happens. */
  per_day = g_new0 (guint, days);
  for (guint i = 0; i < n; i++)
    per_day[pick_date (gen, rng) - gen->first_day]++;

  /* Pairs (streamer, dataset brand) seen so far: a bit per pair for the
   * first 64 brands, a hash table (lookups only) beyond. */
  pair_bits = g_new0 (guint64, opt->n_streamers);
  if (gen->n_brands > 64)
    {
      pair_keys = g_new (gint64, n);
      pairs = g_hash_table_new (g_int64_hash, g_int64_equal);
    }

  for (guint day = 0; day < days; day++)
    for (guint k = 0; k < per_day[day]; k++)
      {
        TmCooperation *coop = tm_cooperation_new ();
        guint si = alias_table_pick (&picker, rng);
        StreamerInfo *info = &gen->streamers[si];
        TmDate date = gen->first_day + (TmDate) day;
        guint account = rng_chance (rng, 700) ? 0 : rng_below (rng, info->n_accounts);
        TmPlatform platform = info->platforms[account];
        int brand = -1;
        guint cat;
        gboolean in_category = FALSE, repeat = FALSE;
        gint64 price, gmv_milli, gmv_fen, orders, conversion, returns, complaints, rating;
        gint64 shadow = incident_shadow (gen, info, date);
        gint64 q = info->quality;
        gint64 ret_lo, ret_hi, complaint_ppm, outcome;
        const Category *c;

        coop->id = make_id ('c', ++index, width);
        /* Formatted rather than copied from the record: no cache miss. */
        coop->streamer_id = make_id ('s', si + 1, gen->streamer_id_width);
        coop->date = date;
        coop->platform = platform;
        coop->format = rng_chance (rng, platform_info[platform].live_permille)
                       ? TM_FORMAT_LIVE : TM_FORMAT_SHORT_VIDEO;

        /* About 60 % with a dataset brand, mostly of the streamer's own
         * categories, often the same partner again. */
        if (gen->n_brands > 0 && rng_chance (rng, 600))
          {
            GArray *same = gen->category_brands[info->categories[rng_below (rng, info->n_categories)]];

            if (info->favorite_brand >= 0 && rng_chance (rng, 400))
              brand = info->favorite_brand;
            else if (same->len > 0 && rng_chance (rng, 750))
              brand = (int) g_array_index (same, guint, rng_below (rng, same->len));
            else
              brand = (int) rng_below (rng, gen->n_brands);
            cat = gen->brands[brand].category;
            price = gen->brands[brand].price_fen;
            coop->brand_id = g_strdup (((TmBrand *) g_ptr_array_index (gen->dataset->brands, brand))->id);
          }
        else
          {
            guint j;

            if (rng_chance (rng, 800))
              cat = info->categories[rng_below (rng, info->n_categories)];
            else
              cat = rng_below (rng, N_CATEGORIES);
            /* A few invented brands appear far more often than others. */
            j = rng_below (rng, rng_below (rng, OTHER_BRANDS_PER_CATEGORY) + 1);
            coop->brand_name = g_strdup (gen->other_brand_names[cat][j]);
            coop->brand_category = g_strdup (categories[cat].code);
            price = order_price_fen (rng, cat, rng_weighted (rng, (const guint[]) { 30, 45, 20, 5 },
                                                             TM_N_PRICE_TIERS));
          }
        c = &categories[cat];
        for (guint m = 0; m < info->n_categories; m++)
          in_category |= info->categories[m] == cat;

        if (brand >= 0 && brand < 64)
          {
            guint64 bit = G_GUINT64_CONSTANT (1) << brand;

            repeat = (pair_bits[si] & bit) != 0;
            pair_bits[si] |= bit;
          }
        else if (brand >= 0)
          {
            gint64 *key = &pair_keys[index - 1];

            *key = (gint64) si * gen->n_brands + brand;
            repeat = g_hash_table_contains (pairs, key);
            if (!repeat)
              g_hash_table_add (pairs, key);
          }

        /* GMV on a log scale: reach of the account, quality, category fit,
         * an existing relationship, the market's growth, recent trouble. */
        gmv_milli = info->followers_milli[account] - 300
                    + (q - 600) / 4
                    + (in_category ? 80 : -150)
                    + (repeat ? 60 : 0)
                    + (gint64) day * 80 / days
                    - shadow * 2 / 5
                    + rng_normal (rng, 260);
        if (price >= info->price_low_fen && price <= info->price_high_fen)
          gmv_milli += 50;
        if (coop->format == TM_FORMAT_LIVE)
          gmv_milli = soft_clamp (rng, gmv_milli, 3700, 6698);        /* ¥5k – ¥5M */
        else
          gmv_milli = soft_clamp (rng, gmv_milli - 450, 2700, 6000);  /* ¥500 – ¥1M */
        gmv_fen = pow10_milli (gmv_milli + 2000);           /* yuan → fen */
        gmv_fen += rng_range (rng, 0, 99);
        price = price * rng_range (rng, 70, 130) / 100;
        orders = MAX (1, (gmv_fen + price / 2) / MAX (price, 1));
        coop->gmv_fen = gmv_fen;
        coop->orders = orders;

        /* 坑位费: the larger accounts charge a slot fee for live sessions
         * and a quote for short videos; small ones work on commission. */
        if (coop->format == TM_FORMAT_LIVE)
          {
            if (info->followers_milli[account] >= 5500 ? rng_chance (rng, 700) : rng_chance (rng, 350))
              coop->fee_fen = max64 (500, pow10_milli (info->followers_milli[account])
                                          * rng_range (rng, 10, 50) / 1000 / 100 * 100) * 100;
          }
        else if (rng_chance (rng, 850))
          coop->fee_fen = max64 (300, pow10_milli (info->followers_milli[account])
                                      * rng_range (rng, 20, 80) / 1000 / 100 * 100) * 100;
        coop->commission_fen = gmv_fen * rng_range (rng, 10, 30) / 100;

        conversion = 150 + q / 4 + (in_category ? 60 : -20) + info->engagement / 10
                     - shadow / 5 + rng_normal (rng, 80);
        if (coop->format == TM_FORMAT_SHORT_VIDEO)
          conversion = conversion * 7 / 10;
        conversion = clamp64 (conversion, 50, 800);
        coop->conversion_rate = share (conversion);

        /* Returns by category, worse for low quality and outside the
         * streamer's field. */
        ret_lo = c->return_lo;
        ret_hi = c->return_hi;
        returns = ret_lo + (ret_hi - ret_lo) * (1000 - q) / 1000
                  + (in_category ? 0 : (ret_hi - ret_lo) / 5)
                  + shadow * (ret_hi - ret_lo) / 2000
                  + rng_normal (rng, (ret_hi - ret_lo) / 6);
        returns = clamp64 (returns, ret_lo * 6 / 10, MIN (ret_hi * 13 / 10, 9500));
        coop->return_rate = share (returns);

        complaint_ppm = 500 + (1000 - q) * 10 + shadow * 10;
        complaints = orders * complaint_ppm / 1000000;
        if ((gint64) rng_below (rng, 1000000) < orders * complaint_ppm % 1000000)
          complaints++;
        coop->complaints = complaints;

        rating = 49 - (1000 - q) / 70 - (returns - ret_lo) * 4 / MAX (ret_hi - ret_lo, 1)
                 - shadow / 150 + rng_normal (rng, 2);
        rating = clamp64 (rating, 30, 50);
        coop->rating = (double) rating / 10;

        /* A short note on about one in ten, saying what stood out. */
        outcome = (rating - 42) * 10 + (conversion - 300) / 10 - (returns - ret_lo) * 20 / MAX (ret_hi - ret_lo, 1);
        if (rng_chance (rng, 100))
          {
            if (outcome > 25 && !repeat && brand >= 0 && rng_chance (rng, 500))
              coop->notes = g_strdup (coop_notes_good[0].text);
            else if (outcome > 25)
              coop->notes = pick_note (rng, coop_notes_good, G_N_ELEMENTS (coop_notes_good), coop->format);
            else if (outcome < -25)
              coop->notes = pick_note (rng, coop_notes_bad, G_N_ELEMENTS (coop_notes_bad), coop->format);
            else if (coop->fee_fen == 0 && rng_chance (rng, 300))
              coop->notes = g_strdup (coop_notes_neutral[1].text);  /* 纯佣 */
            else
              coop->notes = pick_note (rng, coop_notes_neutral, G_N_ELEMENTS (coop_notes_neutral), coop->format);
          }

        if (brand >= 0 && q < 450)
          note_worst (&gen->brands[brand], si,
                      (50 - rating) * 100 + (returns - ret_lo) + complaints * 10);

        coop->provenance.source = TM_SOURCE_EXPORT;
        coop->provenance.observed = (TmDate) min64 (opt->today, date + rng_range (rng, 2, 10));
        coop->provenance.basis = TM_BASIS_OBSERVED;

        g_ptr_array_add (gen->dataset->cooperations, coop);
      }

  alias_table_clear (&picker);
}

/* Blacklists name the streamers whose cooperations with the brand went
 * worst, else low-quality streamers: the history explains the list. */
static void
generate_blacklists (Generator *gen,
                     Rng       *rng)
{
  const TmGeneratorOptions *opt = gen->options;

  if (opt->n_streamers == 0)
    return;

  for (guint b = 0; b < gen->n_brands; b++)
    {
      TmBrand *brand = g_ptr_array_index (gen->dataset->brands, b);
      BrandInfo *info = &gen->brands[b];
      guint want;

      if (!rng_chance (rng, 500))
        continue;
      want = (guint) rng_range (rng, 1, 3);
      want = MIN (want, opt->n_streamers);

      for (guint k = 0; k < info->n_worst && brand->blacklist->len < want; k++)
        {
          /* Strongest first among the few kept. */
          guint best = k;
          for (guint m = k + 1; m < info->n_worst; m++)
            if (info->worst_score[m] > info->worst_score[best])
              best = m;
          if (best != k)
            {
              guint ts = info->worst_streamer[k];
              gint64 tsc = info->worst_score[k];
              info->worst_streamer[k] = info->worst_streamer[best];
              info->worst_score[k] = info->worst_score[best];
              info->worst_streamer[best] = ts;
              info->worst_score[best] = tsc;
            }
          g_ptr_array_add (brand->blacklist,
                           g_strdup (((TmStreamer *) g_ptr_array_index (gen->dataset->streamers,
                                                                        info->worst_streamer[k]))->id));
        }

      for (guint attempts = 0; brand->blacklist->len < want && attempts < 20; attempts++)
        {
          guint pick = rng_below (rng, opt->n_streamers);
          const char *id;
          gboolean dup = FALSE;

          /* The worst of a few random streamers. */
          for (guint t = 0; t < 4; t++)
            {
              guint other = rng_below (rng, opt->n_streamers);
              if (gen->streamers[other].quality < gen->streamers[pick].quality)
                pick = other;
            }
          id = ((TmStreamer *) g_ptr_array_index (gen->dataset->streamers, pick))->id;
          for (guint m = 0; m < brand->blacklist->len; m++)
            dup |= g_str_equal (g_ptr_array_index (brand->blacklist, m), id);
          if (!dup)
            g_ptr_array_add (brand->blacklist, g_strdup (id));
        }
    }
}

/* ---- Public API ------------------------------------------------------- */

/**
 * tm_generator_options_init:
 * @options: options to fill
 * @n_streamers: how many streamers
 * @seed: the PRNG seed; equal options give identical datasets
 *
 * Defaults: 12 brands (fewer when there are fewer than 12 streamers), 10
 * cooperations per streamer, 2 incidents per 15 streamers, three years
 * (1095 days) of history ending on 2026-11-01 — a fixed day, not today,
 * so the output does not depend on when it is generated.
 */
void
tm_generator_options_init (TmGeneratorOptions *options,
                           guint               n_streamers,
                           guint64             seed)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->n_brands = CLAMP (n_streamers, 1, 12);
  options->n_streamers = n_streamers;
  options->n_cooperations = n_streamers * 10;
  options->n_incidents = (guint) ((guint64) n_streamers * 2 / 15);
  options->seed = seed;
  options->today = tm_date_from_ymd (2026, 11, 1);
  options->history_days = 1095;
}

/**
 * tm_generator_run:
 * @options: what to generate
 *
 * Generates a synthetic dataset: brands, streamers, cooperations in date
 * order and incidents in date order, every reference resolvable.  Runs in
 * time linear in the number of records (n log n for the weighted picks).
 * Cooperations and incidents need streamers: with none, there are none.
 *
 * Returns: (transfer full): the dataset
 */
TmDataset *
tm_generator_run (const TmGeneratorOptions *options)
{
  Generator gen = { 0 };
  Rng rng_brands, rng_streamers, rng_incidents, rng_coops, rng_blacklists;
  TmDataset *dataset;

  g_return_val_if_fail (options != NULL, NULL);

  dataset = tm_dataset_new ();
  dataset->synthetic = TRUE;
  dataset->description =
    g_strdup_printf ("Synthetic sample data generated by trustmatch-cli generate "
                     "--streamers %u --seed %" G_GUINT64_FORMAT ": %u brands, %u streamers, "
                     "%u cooperations, %u incidents. All brands, streamers and figures "
                     "are invented. 合成示例数据，品牌、主播与数据均为虚构。",
                     options->n_streamers, options->seed, options->n_brands,
                     options->n_streamers,
                     options->n_streamers > 0 ? options->n_cooperations : 0,
                     options->n_streamers > 0 ? options->n_incidents : 0);

  gen.options = options;
  gen.dataset = dataset;
  gen.n_brands = options->n_brands;
  gen.first_day = options->today - (TmDate) MAX (options->history_days, 1);
  gen.brands = g_new0 (BrandInfo, MAX (gen.n_brands, 1));
  gen.streamers = g_new0 (StreamerInfo, MAX (options->n_streamers, 1));

  rng_init (&rng_brands, options->seed, 1);
  rng_init (&rng_streamers, options->seed, 2);
  rng_init (&rng_incidents, options->seed, 3);
  rng_init (&rng_coops, options->seed, 4);
  rng_init (&rng_blacklists, options->seed, 5);

  generate_other_brand_names (&gen, &rng_brands);
  generate_brands (&gen, &rng_brands);
  generate_streamers (&gen, &rng_streamers);
  generate_incidents (&gen, &rng_incidents);
  generate_cooperations (&gen, &rng_coops);
  generate_blacklists (&gen, &rng_blacklists);

  for (guint c = 0; c < N_CATEGORIES; c++)
    {
      g_array_unref (gen.category_brands[c]);
      for (guint j = 0; j < OTHER_BRANDS_PER_CATEGORY; j++)
        g_free (gen.other_brand_names[c][j]);
    }
  g_free (gen.brands);
  g_free (gen.streamers);
  g_free (gen.incident_date);
  g_free (gen.incident_severity);
  g_free (gen.incident_next);

  return dataset;
}

/* In the order files are written: streamers before the brands whose
 * blacklists name them, both before the records that refer to them, so
 * that importing the files one by one in this order also works. */
typedef enum {
  PART_STREAMERS,
  PART_BRANDS,
  PART_COOPERATIONS,
  PART_INCIDENTS,
} PartKind;

static GPtrArray *
part_array (TmDataset *dataset,
            PartKind   kind)
{
  switch (kind)
    {
    case PART_BRANDS:
      return dataset->brands;
    case PART_STREAMERS:
      return dataset->streamers;
    case PART_COOPERATIONS:
      return dataset->cooperations;
    case PART_INCIDENTS:
      return dataset->incidents;
    default:
      g_assert_not_reached ();
    }
}

/* Writes the records of one kind from @source as one file or as shards.
 * Each shard is a small dataset that borrows the records: its array has no
 * free function, so freeing it leaves the records to @source. */
static gboolean
write_records (TmDataset   *source,
               PartKind     kind,
               const char  *stem,
               const char  *directory,
               guint        shard_size,
               GPtrArray   *out_paths,
               GError     **error)
{
  GPtrArray *records = part_array (source, kind);
  guint n_shards = 1;
  int width;

  if (shard_size > 0 && records->len > shard_size)
    n_shards = (records->len + shard_size - 1) / shard_size;
  width = MAX (3, n_digits (n_shards));

  for (guint shard = 0; shard < n_shards; shard++)
    {
      g_autoptr(TmDataset) part = tm_dataset_new ();
      GPtrArray *target = part_array (part, kind);
      guint start = n_shards > 1 ? shard * shard_size : 0;
      guint end = n_shards > 1 ? MIN (records->len, start + shard_size) : records->len;
      g_autofree char *basename = NULL;
      g_autofree char *path = NULL;

      g_ptr_array_set_free_func (target, NULL);
      for (guint i = start; i < end; i++)
        g_ptr_array_add (target, g_ptr_array_index (records, i));

      part->synthetic = TRUE;
      if (n_shards > 1)
        {
          basename = g_strdup_printf ("%s-%0*u.json", stem, width, shard + 1);
          part->description = g_strdup_printf ("%s (%s, part %u of %u)",
                                               source->description, stem, shard + 1, n_shards);
        }
      else
        {
          basename = g_strdup_printf ("%s.json", stem);
          part->description = g_strdup_printf ("%s (%s)", source->description, stem);
        }
      path = g_build_filename (directory, basename, NULL);

      if (!tm_dataset_save_file (part, path, error))
        return FALSE;
      if (out_paths != NULL)
        g_ptr_array_add (out_paths, g_steal_pointer (&path));
    }
  return TRUE;
}

/**
 * tm_generator_write:
 * @options: what to generate
 * @directory: where to write; created when missing
 * @shard_size: most records per file, 0 for one file per kind
 * @out_paths: (nullable): receives the written paths (newly allocated)
 * @error: return location for a #GError
 *
 * Generates the dataset and writes streamers.json (or streamers-001.json
 * …), brands.json, cooperations.json (or cooperations-001.json …) and
 * incidents.json, in that order, each a complete dataset file marked
 * synthetic.
 * Only one file's JSON text is held at a time.  Files from an earlier run
 * with more shards are left alone.
 *
 * Returns: %TRUE when every file was written
 */
gboolean
tm_generator_write (const TmGeneratorOptions *options,
                    const char               *directory,
                    guint                     shard_size,
                    GPtrArray                *out_paths,
                    GError                  **error)
{
  static const char * const stems[] = {
    [PART_STREAMERS] = "streamers",
    [PART_BRANDS] = "brands",
    [PART_COOPERATIONS] = "cooperations",
    [PART_INCIDENTS] = "incidents",
  };
  g_autoptr(TmDataset) dataset = NULL;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (directory != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (directory, 0755) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder “%s”: %s"),
                   directory, g_strerror (saved_errno));
      return FALSE;
    }

  dataset = tm_generator_run (options);

  for (guint k = 0; k < G_N_ELEMENTS (stems); k++)
    {
      /* Brands and incidents are few: never split. */
      guint size = k == PART_STREAMERS || k == PART_COOPERATIONS ? shard_size : 0;

      if (!write_records (dataset, k, stems[k], directory, size, out_paths, error))
        return FALSE;
    }
  return TRUE;
}
