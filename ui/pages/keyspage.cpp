// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/keyspage.h"

namespace rd::ui {

KeysPage::KeysPage(QWidget *parent)
    : Page(parent)
{
    setObjectName(QStringLiteral("keysPage"));
}

void KeysPage::attach(const UiContext &context)
{
    m_context = context;
}

} // namespace rd::ui
