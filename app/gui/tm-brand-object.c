/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-brand-object"

#include "config.h"

#include "tm-brand-object.h"

struct _TmBrandObject
{
  GObject  parent_instance;

  TmBrand *brand;
};

G_DEFINE_FINAL_TYPE (TmBrandObject, tm_brand_object, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BRAND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tm_brand_object_finalize (GObject *object)
{
  TmBrandObject *self = TM_BRAND_OBJECT (object);

  g_clear_pointer (&self->brand, tm_brand_free);

  G_OBJECT_CLASS (tm_brand_object_parent_class)->finalize (object);
}

static void
tm_brand_object_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TmBrandObject *self = TM_BRAND_OBJECT (object);

  switch (prop_id)
    {
    case PROP_BRAND:
      g_value_set_pointer (value, self->brand);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tm_brand_object_class_init (TmBrandObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tm_brand_object_finalize;
  object_class->get_property = tm_brand_object_get_property;

  /* The record (const TmBrand *); notified when an edit replaces it. */
  properties[PROP_BRAND] =
    g_param_spec_pointer ("brand", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tm_brand_object_init (TmBrandObject *self)
{
}

TmBrandObject *
tm_brand_object_new (TmBrand *brand)
{
  TmBrandObject *self;

  g_return_val_if_fail (brand != NULL, NULL);

  self = g_object_new (TM_TYPE_BRAND_OBJECT, NULL);
  self->brand = brand;
  return self;
}

const TmBrand *
tm_brand_object_get_brand (TmBrandObject *self)
{
  g_return_val_if_fail (TM_IS_BRAND_OBJECT (self), NULL);

  return self->brand;
}

const char *
tm_brand_object_get_id (TmBrandObject *self)
{
  g_return_val_if_fail (TM_IS_BRAND_OBJECT (self), NULL);

  return self->brand->id;
}

void
tm_brand_object_set_brand (TmBrandObject *self,
                           TmBrand       *brand)
{
  g_return_if_fail (TM_IS_BRAND_OBJECT (self));
  g_return_if_fail (brand != NULL);
  g_return_if_fail (g_str_equal (brand->id, self->brand->id));

  tm_brand_free (self->brand);
  self->brand = brand;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRAND]);
}
