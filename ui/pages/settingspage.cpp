// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/settingspage.h"

namespace rd::ui {

SettingsPage::SettingsPage(QWidget *parent)
    : Page(parent)
{
    setObjectName(QStringLiteral("settingsPage"));
}

void SettingsPage::attach(const UiContext &context)
{
    m_context = context;
}

} // namespace rd::ui
