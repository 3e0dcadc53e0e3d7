module.exports = require('../../tools/build/app.webpack.js')('gateway');
