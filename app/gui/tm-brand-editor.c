/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tm-brand-editor"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tm-brand-editor.h"
#include "tm-directory.h"
#include "tm-json.h"

/* The default weight of a tag the user adds: "matters, not decisive". */
#define NEW_TAG_WEIGHT 0.5
/* How many matches the blacklist picker lists: enough to choose from,
 * few enough to build at once at 100k streamers. */
#define PICKER_MAX_ROWS 50

struct _TmBrandEditor
{
  AdwBin          parent_instance;

  TmBrand        *brand;        /* the working copy */
  TmCatalog      *catalog;
  char           *error_field;
  GtkWidget      *error_widget; /* marked with .error */
  gboolean        filling;      /* widgets being set from the brand */
  GPtrArray      *category_codes;

  /* Rows made from the brand, removed on every refill. */
  GPtrArray      *blacklist_rows;
  GPtrArray      *competitor_rows;
  GtkWidget      *add_competitor_row;
  GtkWidget      *add_blacklist_row;
  GtkWidget      *add_tag_row;
  GtkWidget      *category_checks_box;

  GtkRange       *age_scales[TM_N_AGES];
  GtkLabel       *age_values[TM_N_AGES];
  GtkRange       *gender_scale;
  GtkLabel       *gender_value;
  GtkRange       *region_scales[TM_N_REGIONS];
  GtkLabel       *region_values[TM_N_REGIONS];

  /* Template widgets */
  AdwAvatar      *avatar;
  GtkLabel       *title_label;
  GtkLabel       *save_status_label;
  GtkButton      *match_button;
  GtkLabel       *error_label;
  AdwEntryRow    *name_row;
  AdwComboRow    *category_row;
  AdwComboRow    *tier_row;
  AdwActionRow   *price_row;
  GtkSpinButton  *price_spin;
  AdwActionRow   *budget_row;
  GtkSpinButton  *budget_spin;
  GtkSwitch      *budget_switch;
  GtkListBox     *tags_list;
  GtkSwitch      *audience_switch;
  AdwExpanderRow *age_row;
  AdwExpanderRow *gender_row;
  AdwExpanderRow *region_row;
  AdwActionRow   *min_credit_row;
  GtkSpinButton  *min_credit_spin;
  AdwActionRow   *exclusivity_row;
  GtkSpinButton  *exclusivity_spin;
  AdwExpanderRow *blacklist_row;
  AdwExpanderRow *competitors_row;
  AdwExpanderRow *competitor_categories_row;
  GtkTextView    *notes_view;
};

G_DEFINE_FINAL_TYPE (TmBrandEditor, tm_brand_editor, ADW_TYPE_BIN)

enum {
  SIGNAL_BRAND_EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void tm_brand_editor_fill (TmBrandEditor *self);


/*
 * Checking and marking
 */

/* The widget that shows @field (a tm_brand_validate path) and its name
 * in the message. */
static GtkWidget *
widget_for_field (TmBrandEditor  *self,
                  const char     *field,
                  const char    **out_label)
{
  static const struct {
    const char *prefix;
    const char *label;
    gsize       offset;
    const char *context;   /* where the label alone is ambiguous */
  } fields[] = {
    { "name", N_("Name"), G_STRUCT_OFFSET (TmBrandEditor, name_row) },
    { "category", N_("Category"), G_STRUCT_OFFSET (TmBrandEditor, category_row) },
    { "price_tier", N_("Price Tier"), G_STRUCT_OFFSET (TmBrandEditor, tier_row) },
    { "typical_order_price_fen", N_("Typical Order Price"), G_STRUCT_OFFSET (TmBrandEditor, price_row) },
    /* Not the price tier "Budget" (平价): the money a brand can spend. */
    { "budget_fen", NC_("brand field", "Budget"), G_STRUCT_OFFSET (TmBrandEditor, budget_row), "brand field" },
    { "style_tags", N_("Style Tags"), G_STRUCT_OFFSET (TmBrandEditor, tags_list) },
    { "audience.age", N_("Age"), G_STRUCT_OFFSET (TmBrandEditor, age_row) },
    { "audience.gender", N_("Gender"), G_STRUCT_OFFSET (TmBrandEditor, gender_row) },
    { "audience.region", N_("City Tier"), G_STRUCT_OFFSET (TmBrandEditor, region_row) },
    { "audience", N_("Target Audience"), G_STRUCT_OFFSET (TmBrandEditor, age_row) },
    { "constraints.min_credit_score", N_("Minimum Credit Score"), G_STRUCT_OFFSET (TmBrandEditor, min_credit_row) },
    { "constraints.exclusivity_days", N_("Competitor Exclusivity"), G_STRUCT_OFFSET (TmBrandEditor, exclusivity_row) },
    { "constraints.blacklist", N_("Blacklist"), G_STRUCT_OFFSET (TmBrandEditor, blacklist_row) },
    { "constraints.competitor_brands", N_("Competitor Brands"), G_STRUCT_OFFSET (TmBrandEditor, competitors_row) },
    { "constraints.competitor_categories", N_("Competitor Categories"), G_STRUCT_OFFSET (TmBrandEditor, competitor_categories_row) },
    { "notes", N_("Notes"), G_STRUCT_OFFSET (TmBrandEditor, notes_view) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_has_prefix (field, fields[i].prefix))
      {
        *out_label = fields[i].context != NULL
                     ? g_dpgettext2 (GETTEXT_PACKAGE, fields[i].context, fields[i].label)
                     : _(fields[i].label);
        /* A tag's own row, when the problem is in one tag. */
        if (g_str_has_prefix (field, "style_tags["))
          {
            guint64 index = g_ascii_strtoull (field + strlen ("style_tags["), NULL, 10);
            GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->tags_list, (int) index);

            if (row != NULL && GTK_WIDGET (row) != self->add_tag_row)
              return GTK_WIDGET (row);
          }
        return G_STRUCT_MEMBER (GtkWidget *, self, fields[i].offset);
      }
  *out_label = NULL;
  return NULL;
}

static void
clear_error (TmBrandEditor *self)
{
  if (self->error_widget != NULL)
    gtk_widget_remove_css_class (self->error_widget, "error");
  g_clear_weak_pointer (&self->error_widget);
  g_clear_pointer (&self->error_field, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
show_error (TmBrandEditor *self,
            const char    *field,
            const char    *problem)
{
  g_autofree char *text = NULL;
  const char *label = NULL;
  GtkWidget *widget;

  clear_error (self);
  self->error_field = g_strdup (field);
  widget = field != NULL ? widget_for_field (self, field, &label) : NULL;
  if (widget != NULL)
    {
      gtk_widget_add_css_class (widget, "error");
      g_set_weak_pointer (&self->error_widget, widget);
    }

  if (label != NULL)
    /* Translators: shown above a brand form, e.g. "Not saved. Name: must
     * not be empty". */
    text = g_strdup_printf (_("Not saved. %s: %s"), label, problem);
  else
    text = g_strdup_printf (_("Not saved: %s"), problem);
  gtk_label_set_text (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
update_title (TmBrandEditor *self)
{
  const char *name = self->brand->name != NULL && self->brand->name[0] != '\0'
                     ? self->brand->name : _("Unnamed Brand");

  gtk_label_set_text (self->title_label, name);
  adw_avatar_set_text (self->avatar, name);
}

/* After every change: checks the working copy; a valid brand goes out. */
static void
tm_brand_editor_changed (TmBrandEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;

  if (self->filling || self->brand == NULL)
    return;

  update_title (self);
  if (!tm_brand_validate (self->brand, &field, &error))
    {
      show_error (self, field, error->message);
      return;
    }
  clear_error (self);
  g_signal_emit (self, signals[SIGNAL_BRAND_EDITED], 0, self->brand);
}


/*
 * Style tags
 */

static guint
row_index_in (GtkWidget *row)
{
  return (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
}

static void
on_tag_weight_changed_cb (GtkRange      *scale,
                          TmBrandEditor *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (scale), GTK_TYPE_LIST_BOX_ROW);
  guint index = row_index_in (row);

  if (self->filling || index >= self->brand->style_tags->len)
    return;
  g_array_index (self->brand->style_tags, TmStyleTag, index).weight =
    round (gtk_range_get_value (scale) * 100) / 100;
  tm_brand_editor_changed (self);
}

static void
on_tag_remove_clicked_cb (GtkButton     *button,
                          TmBrandEditor *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  guint index = row_index_in (row);

  g_return_if_fail (index < self->brand->style_tags->len);
  g_array_remove_index (self->brand->style_tags, index);
  gtk_list_box_remove (self->tags_list, row);
  tm_brand_editor_changed (self);
}

static GtkWidget *
create_tag_row (TmBrandEditor    *self,
                const TmStyleTag *tag)
{
  g_autofree char *remove_label = g_strdup_printf (_("Remove “%s”"), tag->tag);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *scale;
  GtkWidget *button;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tag->tag);

  scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.05);
  gtk_scale_set_digits (GTK_SCALE (scale), 2);
  gtk_scale_set_draw_value (GTK_SCALE (scale), TRUE);
  gtk_scale_set_value_pos (GTK_SCALE (scale), GTK_POS_LEFT);
  gtk_widget_set_size_request (scale, 180, -1);
  gtk_widget_set_valign (scale, GTK_ALIGN_CENTER);
  gtk_range_set_value (GTK_RANGE (scale), tag->weight);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Weight"), -1);
  g_signal_connect (scale, "value-changed", G_CALLBACK (on_tag_weight_changed_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), scale);

  button = gtk_button_new_from_icon_name ("list-remove-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_label, -1);
  g_signal_connect (button, "clicked", G_CALLBACK (on_tag_remove_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
on_add_tag_applied_cb (AdwEntryRow   *entry,
                       TmBrandEditor *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  TmStyleTag tag;

  if (text[0] == '\0')
    return;
  tag.tag = g_steal_pointer (&text);
  tag.weight = NEW_TAG_WEIGHT;
  g_array_append_val (self->brand->style_tags, tag);
  gtk_list_box_insert (self->tags_list, create_tag_row (self, &tag),
                       (int) self->brand->style_tags->len - 1);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  tm_brand_editor_changed (self);
}


/*
 * Audience
 */

static char *
format_share (double share)
{
  /* Translators: a share in percent, e.g. "35%". */
  return g_strdup_printf (_("%.0f%%"), share * 100);
}

static void
show_shares (TmBrandEditor *self)
{
  const TmAudience *audience = &self->brand->audience;
  gboolean was_filling = self->filling;
  g_autofree char *gender = NULL;
  g_autofree char *female = format_share (audience->gender[TM_GENDER_FEMALE]);
  g_autofree char *male = format_share (audience->gender[TM_GENDER_MALE]);

  self->filling = TRUE;
  for (guint i = 0; i < TM_N_AGES; i++)
    {
      g_autofree char *text = format_share (audience->age[i]);

      gtk_range_set_value (self->age_scales[i], audience->age[i] * 100);
      gtk_label_set_text (self->age_values[i], text);
    }
  gtk_range_set_value (self->gender_scale, audience->gender[TM_GENDER_FEMALE] * 100);
  /* Translators: the gender split of an audience, e.g. "60% women, 40% men". */
  gender = g_strdup_printf (_("%s women, %s men"), female, male);
  gtk_label_set_text (self->gender_value, gender);
  for (guint i = 0; i < TM_N_REGIONS; i++)
    {
      g_autofree char *text = format_share (audience->region[i]);

      gtk_range_set_value (self->region_scales[i], audience->region[i] * 100);
      gtk_label_set_text (self->region_values[i], text);
    }
  self->filling = was_filling;
}

static void
on_share_changed_cb (GtkRange      *scale,
                     TmBrandEditor *self)
{
  TmAudience *audience = &self->brand->audience;
  double value = gtk_range_get_value (scale) / 100;

  if (self->filling)
    return;

  for (guint i = 0; i < TM_N_AGES; i++)
    if (scale == self->age_scales[i])
      tm_shares_set (audience->age, TM_N_AGES, i, value);
  if (scale == self->gender_scale)
    tm_shares_set (audience->gender, TM_N_GENDERS, TM_GENDER_FEMALE, value);
  for (guint i = 0; i < TM_N_REGIONS; i++)
    if (scale == self->region_scales[i])
      tm_shares_set (audience->region, TM_N_REGIONS, i, value);

  show_shares (self);
  tm_brand_editor_changed (self);
}

static GtkRange *
add_share_row (TmBrandEditor  *self,
               AdwExpanderRow *expander,
               const char     *title,
               GtkLabel      **out_value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 100, 1);
  GtkWidget *value = gtk_label_new (NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_size_request (scale, 200, -1);
  gtk_widget_set_valign (scale, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_signal_connect (scale, "value-changed", G_CALLBACK (on_share_changed_cb), self);
  gtk_label_set_width_chars (GTK_LABEL (value), 14);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_widget_add_css_class (value, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), scale);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
  adw_expander_row_add_row (expander, row);
  *out_value = GTK_LABEL (value);
  return GTK_RANGE (scale);
}

static void
build_audience_rows (TmBrandEditor *self)
{
  const char *ages[TM_N_AGES] = {
    _("Under 18"), _("18–24"), _("25–30"), _("31–40"), _("41–50"), _("Over 50"),
  };

  for (guint i = 0; i < TM_N_AGES; i++)
    self->age_scales[i] = add_share_row (self, self->age_row, ages[i], &self->age_values[i]);
  self->gender_scale = add_share_row (self, self->gender_row, _("Women"), &self->gender_value);
  for (guint i = 0; i < TM_N_REGIONS; i++)
    self->region_scales[i] = add_share_row (self, self->region_row, tm_region_label (i),
                                            &self->region_values[i]);
}

static void
set_even_shares (double *shares,
                 guint   n)
{
  for (guint i = 0; i < n; i++)
    shares[i] = 1.0 / n;
}

static void
on_audience_switch_cb (TmBrandEditor *self)
{
  gboolean present = gtk_switch_get_active (self->audience_switch);

  gtk_widget_set_sensitive (GTK_WIDGET (self->age_row), present);
  gtk_widget_set_sensitive (GTK_WIDGET (self->gender_row), present);
  gtk_widget_set_sensitive (GTK_WIDGET (self->region_row), present);
  if (self->filling || self->brand->audience.present == present)
    return;

  self->brand->audience.present = present;
  if (present)
    {
      /* A starting point that adds up; the user moves it from there. */
      set_even_shares (self->brand->audience.age, TM_N_AGES);
      set_even_shares (self->brand->audience.gender, TM_N_GENDERS);
      set_even_shares (self->brand->audience.region, TM_N_REGIONS);
      show_shares (self);
    }
  tm_brand_editor_changed (self);
}


/*
 * Constraints
 */

static void
on_blacklist_remove_clicked_cb (GtkButton     *button,
                                TmBrandEditor *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "streamer-id");

  for (guint i = 0; i < self->brand->blacklist->len; i++)
    if (g_str_equal (g_ptr_array_index (self->brand->blacklist, i), id))
      {
        g_ptr_array_remove_index (self->brand->blacklist, i);
        break;
      }
  tm_brand_editor_fill (self);
  tm_brand_editor_changed (self);
}

static GtkWidget *
create_removable_row (const char *title,
                      const char *subtitle,
                      const char *value,
                      GCallback   on_remove,
                      gpointer    user_data)
{
  g_autofree char *remove_label = g_strdup_printf (_("Remove “%s”"), title);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_label, -1);
  g_object_set_data_full (G_OBJECT (button), "streamer-id", g_strdup (value), g_free);
  g_signal_connect (button, "clicked", on_remove, user_data);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
on_competitor_remove_clicked_cb (GtkButton     *button,
                                 TmBrandEditor *self)
{
  const char *value = g_object_get_data (G_OBJECT (button), "streamer-id");

  for (guint i = 0; i < self->brand->competitor_brands->len; i++)
    if (g_str_equal (g_ptr_array_index (self->brand->competitor_brands, i), value))
      {
        g_ptr_array_remove_index (self->brand->competitor_brands, i);
        break;
      }
  tm_brand_editor_fill (self);
  tm_brand_editor_changed (self);
}

static void
on_add_competitor_applied_cb (AdwEntryRow   *entry,
                              TmBrandEditor *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (text[0] == '\0')
    return;
  g_ptr_array_add (self->brand->competitor_brands, g_steal_pointer (&text));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  tm_brand_editor_fill (self);
  tm_brand_editor_changed (self);
}

static void
on_competitor_category_toggled_cb (GtkCheckButton *check,
                                   TmBrandEditor  *self)
{
  const char *code = g_object_get_data (G_OBJECT (check), "category");
  GPtrArray *list = self->brand->competitor_categories;

  if (self->filling)
    return;
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (g_ptr_array_index (list, i), code))
      {
        g_ptr_array_remove_index (list, i);
        break;
      }
  if (gtk_check_button_get_active (check))
    g_ptr_array_add (list, g_strdup (code));
  tm_brand_editor_fill (self);
  tm_brand_editor_changed (self);
}

static char *
format_list_summary (GPtrArray *values,
                     const char *none)
{
  if (values->len == 0)
    return g_strdup (none);
  return g_strdup_printf (ngettext ("%u entry", "%u entries", values->len), values->len);
}


/*
 * The blacklist picker: a search over the streamer directory.
 */

typedef struct {
  TmBrandEditor *editor;
  TmDirectory   *directory;
  GtkListBox    *list;
  GtkWidget     *window;
} Picker;

static void
picker_free (Picker *picker)
{
  g_clear_pointer (&picker->directory, tm_directory_free);
  g_object_unref (picker->editor);
  g_free (picker);
}

static gboolean
blacklist_has (TmBrandEditor *self,
               const char    *id)
{
  for (guint i = 0; i < self->brand->blacklist->len; i++)
    if (g_str_equal (g_ptr_array_index (self->brand->blacklist, i), id))
      return TRUE;
  return FALSE;
}

static void
picker_refill (Picker     *picker,
               const char *search)
{
  TmDirectoryFilter filter = TM_DIRECTORY_FILTER_INIT;
  TmCatalog *catalog = tm_directory_get_catalog (picker->directory);
  g_autoptr(GArray) rows = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (picker->list))) != NULL)
    gtk_list_box_remove (picker->list, child);

  filter.search = search;
  tm_directory_set_filter (picker->directory, &filter);
  rows = tm_directory_collect (picker->directory);
  for (guint i = 0; i < MIN (rows->len, PICKER_MAX_ROWS); i++)
    {
      const TmCatalogStreamer *s = &catalog->streamers[g_array_index (rows, guint32, i)];
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), s->name);
      if (blacklist_has (picker->editor, s->id))
        {
          /* Translators: a streamer's id in the blacklist picker. */
          g_autofree char *subtitle = g_strdup_printf (_("%s · already on the blacklist"), s->id);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          gtk_widget_set_sensitive (row, FALSE);
        }
      else
        {
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), s->id);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
        }
      g_object_set_data_full (G_OBJECT (row), "streamer-id", g_strdup (s->id), g_free);
      gtk_list_box_append (picker->list, row);
    }
}

static void
on_picker_search_changed_cb (GtkSearchEntry *entry,
                             Picker         *picker)
{
  picker_refill (picker, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_picker_row_activated_cb (GtkListBox    *list,
                            GtkListBoxRow *row,
                            Picker        *picker)
{
  const char *id = g_object_get_data (G_OBJECT (row), "streamer-id");

  tm_brand_editor_add_to_blacklist (picker->editor, id);
  gtk_window_destroy (GTK_WINDOW (picker->window));
}

static void
on_picker_search_activate_cb (GtkSearchEntry *entry,
                              Picker         *picker)
{
  GtkListBoxRow *first;

  /* Enter right after typing: the delayed search has not run yet. */
  picker_refill (picker, gtk_editable_get_text (GTK_EDITABLE (entry)));
  first = gtk_list_box_get_row_at_index (picker->list, 0);
  if (first != NULL && gtk_list_box_row_get_activatable (first))
    on_picker_row_activated_cb (picker->list, first, picker);
}

static void
open_blacklist_picker (TmBrandEditor *self)
{
  Picker *picker;
  GtkWidget *box, *header, *entry, *scrolled, *list;

  g_return_if_fail (self->catalog != NULL);

  picker = g_new0 (Picker, 1);
  picker->editor = g_object_ref (self);
  picker->directory = tm_directory_new (self->catalog);

  picker->window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (picker->window), _("Add to Blacklist"));
  gtk_window_set_modal (GTK_WINDOW (picker->window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (picker->window),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_default_size (GTK_WINDOW (picker->window), 420, 520);
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();

    /* A dialog closes on Escape. */
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("Escape"),
                                                            gtk_named_action_new ("window.close")));
    gtk_widget_add_controller (picker->window, shortcuts);
  }
  g_object_set_data_full (G_OBJECT (picker->window), "picker", picker, (GDestroyNotify) picker_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);

  entry = gtk_search_entry_new ();
  g_object_set (entry, "placeholder-text", _("Search by name, id, handle or tag"), NULL);
  gtk_widget_set_margin_top (entry, 6);
  gtk_widget_set_margin_bottom (entry, 6);
  gtk_widget_set_margin_start (entry, 12);
  gtk_widget_set_margin_end (entry, 12);
  gtk_box_append (GTK_BOX (box), entry);

  list = gtk_list_box_new ();
  picker->list = GTK_LIST_BOX (list);
  gtk_widget_add_css_class (list, "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Matching streamers"), -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (picker->window), box);

  g_signal_connect (entry, "search-changed", G_CALLBACK (on_picker_search_changed_cb), picker);
  g_signal_connect (entry, "activate", G_CALLBACK (on_picker_search_activate_cb), picker);
  g_signal_connect (list, "row-activated", G_CALLBACK (on_picker_row_activated_cb), picker);
  picker_refill (picker, "");

  gtk_window_present (GTK_WINDOW (picker->window));
  gtk_widget_grab_focus (entry);
}

static void
on_add_blacklist_clicked_cb (GtkButton     *button,
                             TmBrandEditor *self)
{
  open_blacklist_picker (self);
}


/*
 * Filling the widgets from the brand
 */

static void
remove_rows (AdwExpanderRow *expander,
             GPtrArray      *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_expander_row_remove (expander, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static const char *
streamer_name (TmBrandEditor *self,
               const char    *id)
{
  gint index = self->catalog != NULL ? tm_catalog_find_streamer (self->catalog, id) : -1;

  return index >= 0 ? self->catalog->streamers[index].name : id;
}

/* The "add" row stays last, under the entries. */
static void
move_to_end (AdwExpanderRow *expander,
             GtkWidget      *row)
{
  g_object_ref (row);
  adw_expander_row_remove (expander, row);
  adw_expander_row_add_row (expander, row);
  g_object_unref (row);
}

static void
fill_lists (TmBrandEditor *self)
{
  g_autofree char *blacklist_summary = NULL;
  g_autofree char *competitors_summary = NULL;
  g_autofree char *categories_summary = NULL;
  gboolean was_filling = self->filling;
  GtkWidget *child;

  self->filling = TRUE;
  remove_rows (self->blacklist_row, self->blacklist_rows);
  for (guint i = 0; i < self->brand->blacklist->len; i++)
    {
      const char *id = g_ptr_array_index (self->brand->blacklist, i);
      GtkWidget *row = create_removable_row (streamer_name (self, id), id, id,
                                             G_CALLBACK (on_blacklist_remove_clicked_cb), self);

      adw_expander_row_add_row (self->blacklist_row, row);
      g_ptr_array_add (self->blacklist_rows, row);
    }
  move_to_end (self->blacklist_row, self->add_blacklist_row);
  blacklist_summary = format_list_summary (self->brand->blacklist, _("Nobody"));
  adw_expander_row_set_subtitle (self->blacklist_row, blacklist_summary);
  gtk_widget_set_sensitive (self->add_blacklist_row, self->catalog != NULL);

  remove_rows (self->competitors_row, self->competitor_rows);
  for (guint i = 0; i < self->brand->competitor_brands->len; i++)
    {
      const char *value = g_ptr_array_index (self->brand->competitor_brands, i);
      gint index = self->catalog != NULL ? tm_catalog_find_brand (self->catalog, value) : -1;
      const char *title = index >= 0 ? self->catalog->brands[index]->name : value;
      GtkWidget *row = create_removable_row (title, index >= 0 ? value : NULL, value,
                                             G_CALLBACK (on_competitor_remove_clicked_cb), self);

      adw_expander_row_add_row (self->competitors_row, row);
      g_ptr_array_add (self->competitor_rows, row);
    }
  move_to_end (self->competitors_row, self->add_competitor_row);
  competitors_summary = format_list_summary (self->brand->competitor_brands, _("None"));
  adw_expander_row_set_subtitle (self->competitors_row, competitors_summary);

  for (child = gtk_widget_get_first_child (self->category_checks_box);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *check = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      const char *code = g_object_get_data (G_OBJECT (check), "category");
      gboolean active = FALSE;

      for (guint i = 0; i < self->brand->competitor_categories->len; i++)
        active |= g_str_equal (g_ptr_array_index (self->brand->competitor_categories, i), code);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
    }
  categories_summary = format_list_summary (self->brand->competitor_categories, _("None"));
  adw_expander_row_set_subtitle (self->competitor_categories_row, categories_summary);
  self->filling = was_filling;
}

static void
tm_brand_editor_fill (TmBrandEditor *self)
{
  gboolean was_filling = self->filling;
  GtkWidget *child;
  guint category = 0;

  self->filling = TRUE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tags_list))) != self->add_tag_row)
    gtk_list_box_remove (self->tags_list, child);

  if (self->brand == NULL)
    {
      self->filling = was_filling;
      return;
    }

  update_title (self);
  if (!g_str_equal (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), self->brand->name))
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), self->brand->name);

  for (guint i = 0; i < self->category_codes->len; i++)
    if (g_str_equal (g_ptr_array_index (self->category_codes, i), self->brand->category))
      category = i;
  adw_combo_row_set_selected (self->category_row, category);
  adw_combo_row_set_selected (self->tier_row, self->brand->price_tier);
  gtk_spin_button_set_value (self->price_spin, self->brand->typical_order_price_fen / 100.0);
  gtk_switch_set_active (self->budget_switch, self->brand->budget_fen >= 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->budget_spin), self->brand->budget_fen >= 0);
  gtk_spin_button_set_value (self->budget_spin,
                             self->brand->budget_fen >= 0 ? self->brand->budget_fen / 100.0 : 0);

  for (guint i = 0; i < self->brand->style_tags->len; i++)
    gtk_list_box_insert (self->tags_list,
                         create_tag_row (self, &g_array_index (self->brand->style_tags, TmStyleTag, i)),
                         (int) i);

  gtk_switch_set_active (self->audience_switch, self->brand->audience.present);
  gtk_widget_set_sensitive (GTK_WIDGET (self->age_row), self->brand->audience.present);
  gtk_widget_set_sensitive (GTK_WIDGET (self->gender_row), self->brand->audience.present);
  gtk_widget_set_sensitive (GTK_WIDGET (self->region_row), self->brand->audience.present);
  show_shares (self);

  gtk_spin_button_set_value (self->min_credit_spin, self->brand->min_credit_score);
  gtk_spin_button_set_value (self->exclusivity_spin, self->brand->exclusivity_days);
  fill_lists (self);

  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
    g_autofree char *text = NULL;
    GtkTextIter start, end;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    if (g_strcmp0 (text, self->brand->notes != NULL ? self->brand->notes : "") != 0)
      gtk_text_buffer_set_text (buffer, self->brand->notes != NULL ? self->brand->notes : "", -1);
  }

  self->filling = was_filling;
}


/*
 * Simple fields
 */

static void
on_name_changed_cb (TmBrandEditor *self)
{
  if (self->filling || self->brand == NULL)
    return;
  g_free (self->brand->name);
  /* Leading and trailing blanks are never meant. */
  self->brand->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  tm_brand_editor_changed (self);
}

static void
on_category_changed_cb (TmBrandEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->category_row);

  if (self->filling || self->brand == NULL || selected >= self->category_codes->len)
    return;
  g_free (self->brand->category);
  self->brand->category = g_strdup (g_ptr_array_index (self->category_codes, selected));
  tm_brand_editor_changed (self);
}

static void
on_tier_changed_cb (TmBrandEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->tier_row);

  if (self->filling || self->brand == NULL || selected >= TM_N_PRICE_TIERS)
    return;
  self->brand->price_tier = (TmPriceTier) selected;
  tm_brand_editor_changed (self);
}

static gint64
yuan_to_fen (double yuan)
{
  return (gint64) llround (yuan * 100);
}

static void
on_numbers_changed_cb (TmBrandEditor *self)
{
  gboolean has_budget = gtk_switch_get_active (self->budget_switch);

  gtk_widget_set_sensitive (GTK_WIDGET (self->budget_spin), has_budget);
  if (self->filling || self->brand == NULL)
    return;
  self->brand->typical_order_price_fen = yuan_to_fen (gtk_spin_button_get_value (self->price_spin));
  self->brand->budget_fen = has_budget ? yuan_to_fen (gtk_spin_button_get_value (self->budget_spin))
                                       : TM_UNKNOWN_INT;
  self->brand->min_credit_score = gtk_spin_button_get_value (self->min_credit_spin);
  self->brand->exclusivity_days = gtk_spin_button_get_value_as_int (self->exclusivity_spin);
  tm_brand_editor_changed (self);
}

static void
on_notes_changed_cb (TmBrandEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  if (self->filling || self->brand == NULL)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_free (self->brand->notes);
  self->brand->notes = text[0] != '\0' ? g_steal_pointer (&text) : NULL;
  tm_brand_editor_changed (self);
}


/*
 * Public
 */

GtkWidget *
tm_brand_editor_new (void)
{
  return g_object_new (TM_TYPE_BRAND_EDITOR, NULL);
}

void
tm_brand_editor_set_catalog (TmBrandEditor *self,
                             TmCatalog     *catalog)
{
  g_return_if_fail (TM_IS_BRAND_EDITOR (self));

  if (catalog != NULL)
    tm_catalog_ref (catalog);
  g_clear_pointer (&self->catalog, tm_catalog_unref);
  self->catalog = catalog;
  if (self->brand != NULL)
    fill_lists (self);
}

void
tm_brand_editor_set_brand (TmBrandEditor *self,
                           const TmBrand *brand)
{
  g_return_if_fail (TM_IS_BRAND_EDITOR (self));

  clear_error (self);
  g_clear_pointer (&self->brand, tm_brand_free);
  if (brand != NULL)
    self->brand = tm_brand_copy (brand);
  /* Find Streamers ranks the brand as saved, by its id. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->match_button), "s",
                                    brand != NULL && brand->id != NULL ? brand->id : "");
  gtk_label_set_text (self->save_status_label, "");
  tm_brand_editor_fill (self);
}

const TmBrand *
tm_brand_editor_get_brand (TmBrandEditor *self)
{
  g_return_val_if_fail (TM_IS_BRAND_EDITOR (self), NULL);

  return self->brand;
}

const char *
tm_brand_editor_get_error_field (TmBrandEditor *self)
{
  g_return_val_if_fail (TM_IS_BRAND_EDITOR (self), NULL);

  return self->error_field;
}

void
tm_brand_editor_set_save_status (TmBrandEditor *self,
                                 const char    *text,
                                 gboolean       is_error)
{
  g_return_if_fail (TM_IS_BRAND_EDITOR (self));

  gtk_label_set_text (self->save_status_label, text != NULL ? text : "");
  if (is_error)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->save_status_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->save_status_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->save_status_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->save_status_label), "dim-label");
    }
}

void
tm_brand_editor_focus_name (TmBrandEditor *self)
{
  g_return_if_fail (TM_IS_BRAND_EDITOR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  gtk_editable_select_region (GTK_EDITABLE (self->name_row), 0, -1);
}

void
tm_brand_editor_add_to_blacklist (TmBrandEditor *self,
                                  const char    *streamer_id)
{
  g_return_if_fail (TM_IS_BRAND_EDITOR (self));
  g_return_if_fail (streamer_id != NULL);

  if (self->brand == NULL)
    return;
  for (guint i = 0; i < self->brand->blacklist->len; i++)
    if (g_str_equal (g_ptr_array_index (self->brand->blacklist, i), streamer_id))
      return;
  g_ptr_array_add (self->brand->blacklist, g_strdup (streamer_id));
  fill_lists (self);
  adw_expander_row_set_expanded (self->blacklist_row, TRUE);
  tm_brand_editor_changed (self);
}


/*
 * GObject
 */

static void
tm_brand_editor_dispose (GObject *object)
{
  TmBrandEditor *self = TM_BRAND_EDITOR (object);

  g_clear_weak_pointer (&self->error_widget);
  gtk_widget_dispose_template (GTK_WIDGET (self), TM_TYPE_BRAND_EDITOR);
  g_clear_pointer (&self->catalog, tm_catalog_unref);

  G_OBJECT_CLASS (tm_brand_editor_parent_class)->dispose (object);
}

static void
tm_brand_editor_finalize (GObject *object)
{
  TmBrandEditor *self = TM_BRAND_EDITOR (object);

  g_clear_pointer (&self->brand, tm_brand_free);
  g_clear_pointer (&self->error_field, g_free);
  g_clear_pointer (&self->category_codes, g_ptr_array_unref);
  g_clear_pointer (&self->blacklist_rows, g_ptr_array_unref);
  g_clear_pointer (&self->competitor_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (tm_brand_editor_parent_class)->finalize (object);
}

static void
tm_brand_editor_class_init (TmBrandEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tm_brand_editor_dispose;
  object_class->finalize = tm_brand_editor_finalize;

  /**
   * TmBrandEditor::brand-edited:
   * @brand: (type gpointer): the valid brand as edited (const TmBrand *)
   *
   * Emitted after every change that leaves the brand valid.
   */
  signals[SIGNAL_BRAND_EDITED] =
    g_signal_new ("brand-edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/TrustMatch/tm-brand-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, avatar);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, save_status_label);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, match_button);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, category_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, tier_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, price_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, price_spin);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, budget_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, budget_spin);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, budget_switch);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, tags_list);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, audience_switch);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, age_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, gender_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, region_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, min_credit_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, min_credit_spin);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, exclusivity_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, exclusivity_spin);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, blacklist_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, competitors_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, competitor_categories_row);
  gtk_widget_class_bind_template_child (widget_class, TmBrandEditor, notes_view);
}

static void
tm_brand_editor_init (TmBrandEditor *self)
{
  g_autoptr(GtkStringList) categories = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) tiers = gtk_string_list_new (NULL);
  const char * const *codes = tm_category_known_codes ();
  GtkWidget *button;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->category_codes = g_ptr_array_new ();
  self->blacklist_rows = g_ptr_array_new ();
  self->competitor_rows = g_ptr_array_new ();

  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_ptr_array_add (self->category_codes, (gpointer) codes[i]);
      gtk_string_list_append (categories, tm_category_label (codes[i]));
    }
  adw_combo_row_set_model (self->category_row, G_LIST_MODEL (categories));
  for (guint i = 0; i < TM_N_PRICE_TIERS; i++)
    gtk_string_list_append (tiers, tm_price_tier_label (i));
  adw_combo_row_set_model (self->tier_row, G_LIST_MODEL (tiers));

  self->add_tag_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->add_tag_row), _("Add Style Tag"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (self->add_tag_row), TRUE);
  g_signal_connect (self->add_tag_row, "apply", G_CALLBACK (on_add_tag_applied_cb), self);
  gtk_list_box_append (self->tags_list, self->add_tag_row);

  build_audience_rows (self);

  self->add_blacklist_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->add_blacklist_row),
                                 _("Add Streamers From the Directory…"));
  button = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Add to Blacklist"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Add to Blacklist"), -1);
  g_signal_connect (button, "clicked", G_CALLBACK (on_add_blacklist_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->add_blacklist_row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self->add_blacklist_row), button);
  adw_expander_row_add_row (self->blacklist_row, self->add_blacklist_row);

  self->add_competitor_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->add_competitor_row),
                                 _("Add a Brand Name or Id"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (self->add_competitor_row), TRUE);
  g_signal_connect (self->add_competitor_row, "apply", G_CALLBACK (on_add_competitor_applied_cb), self);
  adw_expander_row_add_row (self->competitors_row, self->add_competitor_row);

  self->category_checks_box = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->category_checks_box), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->category_checks_box), 4);
  gtk_widget_set_margin_top (self->category_checks_box, 6);
  gtk_widget_set_margin_bottom (self->category_checks_box, 6);
  gtk_widget_set_margin_start (self->category_checks_box, 12);
  gtk_widget_set_margin_end (self->category_checks_box, 12);
  for (guint i = 0; codes[i] != NULL; i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (tm_category_label (codes[i]));

      g_object_set_data (G_OBJECT (check), "category", (gpointer) codes[i]);
      g_signal_connect (check, "toggled", G_CALLBACK (on_competitor_category_toggled_cb), self);
      gtk_flow_box_append (GTK_FLOW_BOX (self->category_checks_box), check);
    }
  adw_expander_row_add_row (self->competitor_categories_row, self->category_checks_box);

  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (on_name_changed_cb), self);
  g_signal_connect_swapped (self->category_row, "notify::selected", G_CALLBACK (on_category_changed_cb), self);
  g_signal_connect_swapped (self->tier_row, "notify::selected", G_CALLBACK (on_tier_changed_cb), self);
  g_signal_connect_swapped (self->price_spin, "value-changed", G_CALLBACK (on_numbers_changed_cb), self);
  g_signal_connect_swapped (self->budget_spin, "value-changed", G_CALLBACK (on_numbers_changed_cb), self);
  g_signal_connect_swapped (self->budget_switch, "notify::active", G_CALLBACK (on_numbers_changed_cb), self);
  g_signal_connect_swapped (self->min_credit_spin, "value-changed", G_CALLBACK (on_numbers_changed_cb), self);
  g_signal_connect_swapped (self->exclusivity_spin, "value-changed", G_CALLBACK (on_numbers_changed_cb), self);
  g_signal_connect_swapped (self->audience_switch, "notify::active", G_CALLBACK (on_audience_switch_cb), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->notes_view), "changed",
                            G_CALLBACK (on_notes_changed_cb), self);
}
